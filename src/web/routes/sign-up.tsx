import type { Context } from "hono";
import { Hono } from "hono";
import type { Db } from "../../db/client.ts";
import { ValidationError } from "../../domain/errors.ts";
import { hasAdministrator } from "../../domain/first-run.ts";
import {
  confirmSignUp,
  findPendingSignUp,
  requestSignUp,
  SIGN_UP_LINK_HOURS,
  signUpConfirmationPath,
} from "../../domain/sign-up.ts";
import { logger } from "../../logging.ts";
import { setFlash, signIn } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { type SignUpClosure, SignUpPage } from "../views/pages/auth.tsx";
import {
  CheckEmailPage,
  ConfirmSignUpPage,
  SignUpLinkProblemPage,
} from "../views/pages/sign-up.tsx";

const log = logger("web", "sign-up");

/** Why sign-up is closed right now, or undefined when it is open. */
function signUpClosure(db: Db, registration: "open" | "closed"): SignUpClosure | undefined {
  if (registration === "closed") return "closed";
  return hasAdministrator(db) ? undefined : "awaiting-setup";
}

/** Keeps a token in the address bar from leaking to other sites through the Referer header. */
function noReferrer(c: Context<AppEnv>): void {
  c.header("Referrer-Policy", "no-referrer");
}

/** Sign-up with email confirmation: the form, "check your email", and the confirmation link. */
export function signUpRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/signup", (c) => {
    const { db, config } = c.get("deps");
    return render(
      c,
      <SignUpPage ctx={pageContext(c)} closed={signUpClosure(db, config.registration)} />,
    );
  });

  app.post("/signup", async (c) => {
    const { db, config } = c.get("deps");
    const closed = signUpClosure(db, config.registration);
    if (closed) return render(c, <SignUpPage ctx={pageContext(c)} closed={closed} />, 403);
    const f = await formFields(c);
    const values = { handle: f.handle ?? "", email: f.email ?? "", name: f.name ?? "" };
    try {
      const site = { origin: config.origin, instanceName: config.instanceName };
      const { email } = await requestSignUp(db, site, { ...values, password: f.password ?? "" });
      return render(
        c,
        <CheckEmailPage ctx={pageContext(c)} email={email} validHours={SIGN_UP_LINK_HOURS} />,
      );
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(
          c,
          <SignUpPage ctx={pageContext(c)} values={values} errors={error.errors} />,
          422,
        );
      }
      throw error;
    }
  });

  app.get("/signup/confirm/:token", (c) => {
    noReferrer(c);
    const token = c.req.param("token");
    const pending = findPendingSignUp(c.get("deps").db, token);
    if (!pending) {
      return render(
        c,
        <SignUpLinkProblemPage ctx={pageContext(c)} refusal={{ reason: "invalid" }} />,
        404,
      );
    }
    return render(
      c,
      <ConfirmSignUpPage
        ctx={pageContext(c)}
        pending={pending}
        action={signUpConfirmationPath(token)}
      />,
    );
  });

  app.post("/signup/confirm/:token", (c) => {
    noReferrer(c);
    const { db, config } = c.get("deps");
    const result = confirmSignUp(db, config.origin, c.req.param("token"));
    if ("reason" in result) {
      return render(
        c,
        <SignUpLinkProblemPage ctx={pageContext(c)} refusal={result} />,
        result.reason === "invalid" ? 404 : 409,
      );
    }
    log.info("New account {handle}", { handle: result.actor.handle });
    signIn(c, result.id);
    setFlash(c, "Your email address is confirmed and your account is ready.");
    return c.redirect("/profile/edit", 303);
  });

  return app;
}
