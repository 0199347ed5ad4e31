import { Hono } from "hono";
import { alertChoices, saveAlertChoices } from "../../domain/alerts/settings.ts";
import { findUnsubscription, unsubscribe } from "../../domain/alerts/tokens.ts";
import { ValidationError } from "../../domain/errors.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { NotFoundPage } from "../views/errors.tsx";
import {
  ALERT_SETTINGS_PATH,
  AlertSettingsPage,
  UnsubscribedPage,
  UnsubscribePage,
} from "../views/pages/alerts.tsx";

const log = logger("web", "alerts");

/** The message for an unsubscribe link that names nothing. */
const BAD_LINK =
  "This unsubscribe link is not valid: it may have been copied only in part. You can choose which emails you get in your email alert settings.";

/** Email alert settings, and the one-click unsubscribe links every alert mail carries. */
export function alertRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(ALERT_SETTINGS_PATH, requireSignIn());

  app.get(ALERT_SETTINGS_PATH, (c) => {
    const account = c.get("account")!;
    const choices = alertChoices(c.get("deps").db, account.actor.id);
    return render(
      c,
      <AlertSettingsPage ctx={pageContext(c)} choices={choices} email={account.email} />,
    );
  });

  app.post(ALERT_SETTINGS_PATH, async (c) => {
    const account = c.get("account")!;
    const { db } = c.get("deps");
    const fields = await formFields(c);
    try {
      saveAlertChoices(db, account.actor.id, fields);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return render(
        c,
        <AlertSettingsPage
          ctx={pageContext(c)}
          choices={alertChoices(db, account.actor.id)}
          email={account.email}
          errors={error.errors}
        />,
        400,
      );
    }
    setFlash(c, "Your email alert settings have been saved.");
    return c.redirect(ALERT_SETTINGS_PATH, 303);
  });

  // GET only asks: mail scanners and link previews open links, and must not unsubscribe anyone.
  app.get("/alerts/unsubscribe/:token", (c) => {
    const token = c.req.param("token");
    const found = findUnsubscription(c.get("deps").db, token);
    if (!found) return render(c, <NotFoundPage ctx={pageContext(c)} message={BAD_LINK} />, 404);
    return render(
      c,
      <UnsubscribePage ctx={pageContext(c)} label={found.label} action={c.req.path} />,
    );
  });

  // RFC 8058: the mail provider (or the button above) POSTs here without a session or a CSRF
  // token; src/web/auth.ts lets exactly this path through, as the token is the credential.
  app.post("/alerts/unsubscribe/:token", (c) => {
    const done = unsubscribe(c.get("deps").db, c.req.param("token"));
    if (!done) return render(c, <NotFoundPage ctx={pageContext(c)} message={BAD_LINK} />, 404);
    log.info("Person {person} unsubscribed from {topic}", {
      person: done.personId,
      topic: done.topic,
    });
    return render(c, <UnsubscribedPage ctx={pageContext(c)} label={done.label} />);
  });
  return app;
}
