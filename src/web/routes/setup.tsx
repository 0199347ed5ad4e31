import { Hono } from "hono";
import { ValidationError } from "../../domain/errors.ts";
import {
  completeSetup,
  hasAdministrator,
  setupPath,
  setupTokenWorks,
} from "../../domain/first-run.ts";
import { logger } from "../../logging.ts";
import { setFlash, signIn } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { SetupLinkUsedPage, SetupPage } from "../views/pages/setup.tsx";

const log = logger("web", "setup");

/** The first-run set-up link, which creates the instance's administrator. */
export function setupRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/setup/:token", (c) => {
    c.header("Referrer-Policy", "no-referrer");
    const { db } = c.get("deps");
    const token = c.req.param("token");
    if (!setupTokenWorks(db, token)) {
      return render(
        c,
        <SetupLinkUsedPage ctx={pageContext(c)} setUp={hasAdministrator(db)} />,
        404,
      );
    }
    return render(c, <SetupPage ctx={pageContext(c)} action={setupPath(token)} />);
  });

  app.post("/setup/:token", async (c) => {
    c.header("Referrer-Policy", "no-referrer");
    const { db, config } = c.get("deps");
    const token = c.req.param("token");
    const f = await formFields(c);
    const values = { handle: f.handle ?? "", email: f.email ?? "", name: f.name ?? "" };
    try {
      const account = await completeSetup(db, config.origin, token, {
        ...values,
        password: f.password ?? "",
      });
      if (!account) {
        return render(
          c,
          <SetupLinkUsedPage ctx={pageContext(c)} setUp={hasAdministrator(db)} />,
          404,
        );
      }
      log.info("Instance set up with administrator {handle}", { handle: account.actor.handle });
      signIn(c, account.id);
      setFlash(c, "Your account is ready. You are this instance's administrator.");
      return c.redirect("/profile/edit", 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(
          c,
          <SetupPage
            ctx={pageContext(c)}
            action={setupPath(token)}
            values={values}
            errors={error.errors}
          />,
          422,
        );
      }
      throw error;
    }
  });

  return app;
}
