import type { Context } from "hono";
import { Hono } from "hono";
import { ThrottledError, ValidationError } from "../../domain/errors.ts";
import {
  findPasswordReset,
  PASSWORD_RESET_HOURS,
  passwordResetPath,
  requestPasswordReset,
  resetPassword,
} from "../../domain/password-reset.ts";
import { logger } from "../../logging.ts";
import { setFlash, signIn } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { clientKey, formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import {
  FORGOT_PASSWORD_PATH,
  ForgotPasswordPage,
  ResetLinkProblemPage,
  ResetLinkSentPage,
  ResetPasswordPage,
} from "../views/pages/password-reset.tsx";

const log = logger("web", "password-reset");
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Keeps a token in the address bar from leaking to other sites through the Referer header. */
function noReferrer(c: Context<AppEnv>): void {
  c.header("Referrer-Policy", "no-referrer");
}

/** "Forgot your password?": asking for a link, and setting a new password with it. */
export function passwordResetRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get(FORGOT_PASSWORD_PATH, (c) => render(c, <ForgotPasswordPage ctx={pageContext(c)} />));

  app.post(FORGOT_PASSWORD_PATH, async (c) => {
    const { db, config } = c.get("deps");
    const email = ((await formFields(c)).email ?? "").trim();
    if (!EMAIL_PATTERN.test(email)) {
      const errors = [
        { field: "email", message: "Enter an email address like name@council.gov.uk" },
      ];
      return render(
        c,
        <ForgotPasswordPage ctx={pageContext(c)} email={email} errors={errors} />,
        422,
      );
    }
    try {
      const site = { origin: config.origin, instanceName: config.instanceName };
      requestPasswordReset(db, site, { email, clientKey: clientKey(c) });
    } catch (error) {
      if (!(error instanceof ThrottledError)) throw error;
      c.header("Retry-After", String(Math.ceil(error.retryAfterSeconds)));
      const errors = [{ field: "email", message: error.message }];
      return render(
        c,
        <ForgotPasswordPage ctx={pageContext(c)} email={email} errors={errors} />,
        429,
      );
    }
    return render(
      c,
      <ResetLinkSentPage ctx={pageContext(c)} email={email} validHours={PASSWORD_RESET_HOURS} />,
    );
  });

  app.get("/password/reset/:token", (c) => {
    noReferrer(c);
    const token = c.req.param("token");
    const reset = findPasswordReset(c.get("deps").db, token);
    if (!reset) return render(c, <ResetLinkProblemPage ctx={pageContext(c)} />, 404);
    return render(
      c,
      <ResetPasswordPage
        ctx={pageContext(c)}
        handle={reset.handle}
        action={passwordResetPath(token)}
      />,
    );
  });

  app.post("/password/reset/:token", async (c) => {
    noReferrer(c);
    const { db } = c.get("deps");
    const token = c.req.param("token");
    const reset = findPasswordReset(db, token);
    if (!reset) return render(c, <ResetLinkProblemPage ctx={pageContext(c)} />, 404);
    try {
      const accountId = await resetPassword(db, token, (await formFields(c)).password ?? "");
      if (accountId === undefined)
        return render(c, <ResetLinkProblemPage ctx={pageContext(c)} />, 404);
      log.info("{handle} set a new password with a reset link", { handle: reset.handle });
      signIn(c, accountId);
      setFlash(c, "Your new password is set, and you are signed in. Other sessions have ended.");
      return c.redirect("/", 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return render(
        c,
        <ResetPasswordPage
          ctx={pageContext(c)}
          handle={reset.handle}
          action={passwordResetPath(token)}
          errors={error.errors}
        />,
        422,
      );
    }
  });

  return app;
}
