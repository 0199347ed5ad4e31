import { Hono } from "hono";
import { enabledSections, setEnabledSections } from "../../domain/sections.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { communityAccess, communityNotFound } from "../community-access.tsx";
import { lifecycleSettingsFor } from "../community-tree.ts";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage } from "../views/errors.tsx";
import { CommunitySettingsPage } from "../views/pages/settings.tsx";

const log = logger("web", "settings");

/** Community settings, for its facilitators (and instance admins). */
export function settingsRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/c/:ref/settings", requireSignIn());

  app.get("/c/:ref/settings", (c) => {
    const access = communityAccess(c);
    if (!access?.group.isLocal) return communityNotFound(c);
    if (!access.canModerate) {
      return render(
        c,
        <ForbiddenPage
          ctx={pageContext(c)}
          message="Only this community's facilitators can change its settings."
        />,
        403,
      );
    }
    return render(
      c,
      <CommunitySettingsPage
        ctx={pageContext(c)}
        access={access}
        sections={enabledSections(c.get("deps").db, access.group.id)}
        lifecycle={lifecycleSettingsFor(c.get("deps").db, access.group, c.get("account")!)}
      />,
    );
  });

  app.post("/c/:ref/settings", async (c) => {
    const access = communityAccess(c);
    if (!access?.group.isLocal) return communityNotFound(c);
    if (!access.canModerate) {
      return render(
        c,
        <ForbiddenPage
          ctx={pageContext(c)}
          message="Only this community's facilitators can change its settings."
        />,
        403,
      );
    }
    const body = await c.req.parseBody({ all: true });
    const chosen = ([] as unknown[])
      .concat(body.sections ?? [])
      .filter((v): v is string => typeof v === "string");
    const on = setEnabledSections(c.get("deps").db, access.group.id, chosen);
    log.info("{who} set the sections of {group} to {sections}", {
      who: c.get("account")!.actor.handle,
      group: access.group.handle,
      sections: [...on],
    });
    setFlash(c, "The community's settings have been saved.");
    return c.redirect(access.path, 303);
  });
  return app;
}
