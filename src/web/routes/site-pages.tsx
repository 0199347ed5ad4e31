import { Hono } from "hono";
import {
  isSitePageId,
  SITE_PAGES,
  type SitePageId,
  type SitePagesInput,
  saveSitePages,
  siteOperator,
  sitePageHtml,
  sitePageSource,
} from "../../domain/admin/site-pages.ts";
import { ValidationError } from "../../domain/errors.ts";
import { logger } from "../../logging.ts";
import { setFlash } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { NotFoundPage } from "../views/errors.tsx";
import { ADMIN_SITE_PATH, AdminSitePage, SitePage } from "../views/pages/site-pages.tsx";

const log = logger("web", "site-pages");

/** The rules, privacy notice and accessibility statement for everyone to read. */
export function sitePageRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/about/:page", (c) => {
    const id = c.req.param("page");
    if (!isSitePageId(id))
      return render(c, <NotFoundPage ctx={pageContext(c)} message="There is no such page." />, 404);
    const { db, config } = c.get("deps");
    return render(
      c,
      <SitePage ctx={pageContext(c)} id={id} html={sitePageHtml(db, id, config.instanceName)} />,
    );
  });
  return app;
}

/** The administrators' form for those pages and who runs the instance (under the admin guard). */
export function adminSitePageRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get(ADMIN_SITE_PATH, (c) => {
    const { db, config } = c.get("deps");
    const values = { operator: siteOperator(db) } as SitePagesInput;
    const defaults = new Set<SitePageId>();
    for (const page of SITE_PAGES) {
      const source = sitePageSource(db, page.id, config.instanceName);
      values[page.id] = source.markdown;
      if (source.isDefault) defaults.add(page.id);
    }
    return render(c, <AdminSitePage ctx={pageContext(c)} values={values} defaults={defaults} />);
  });

  app.post(ADMIN_SITE_PATH, async (c) => {
    const fields = await formFields(c);
    const values = { operator: fields.operator ?? "" } as SitePagesInput;
    for (const page of SITE_PAGES) values[page.id] = fields[page.id] ?? "";
    try {
      saveSitePages(c.get("deps").db, values);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      log.info("Refused the instance's pages: {reason}", { reason: error.message });
      return render(
        c,
        <AdminSitePage
          ctx={pageContext(c)}
          values={values}
          defaults={new Set()}
          errors={error.errors}
        />,
        422,
      );
    }
    log.info("{admin} changed the instance's pages", {
      admin: c.get("account")?.actor.handle ?? "?",
    });
    setFlash(c, "The instance's pages have been saved.");
    return c.redirect(ADMIN_SITE_PATH, 303);
  });
  return app;
}
