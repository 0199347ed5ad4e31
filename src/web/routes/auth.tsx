import type { Context } from "hono";
import { Hono } from "hono";
import { authenticate } from "../../domain/accounts.ts";
import { SuspendedError, ThrottledError } from "../../domain/errors.ts";
import { setFlash, signIn, signOut } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { clientKey, formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import type { FieldError } from "../views/components.tsx";
import { SignInPage } from "../views/pages/auth.tsx";
import { safeReturnPath } from "./preferences.ts";

/** Renders the sign-in page, with the provider's button when OpenID Connect is configured. */
export function signInPage(
  c: Context<AppEnv>,
  props: { login?: string; returnTo?: string; errors?: FieldError[] },
  status: 200 | 400 | 403 | 422 | 429 = 200,
) {
  return render(
    c,
    <SignInPage ctx={pageContext(c)} oidcLabel={c.get("deps").config.oidc?.label} {...props} />,
    status,
  );
}

/** Sign in and sign out (sign-up is in sign-up.tsx, first-run set-up in setup.tsx). */
export function authRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/signin", (c) => signInPage(c, { returnTo: safeReturnPath(c.req.query("return")) }));

  app.post("/signin", async (c) => {
    const { db } = c.get("deps");
    const f = await formFields(c);
    const login = (f.login ?? "").trim();
    const returnTo = safeReturnPath(f.return);
    if (!login || !f.password) {
      const errors = [];
      if (!login) errors.push({ field: "login", message: "Enter your handle or email address" });
      if (!f.password) errors.push({ field: "password", message: "Enter your password" });
      return signInPage(c, { login, returnTo, errors }, 422);
    }
    try {
      const account = await authenticate(db, login, f.password, clientKey(c));
      if (!account) {
        const errors = [
          { field: "login", message: "The handle, email address or password is not right" },
        ];
        return signInPage(c, { login, returnTo, errors }, 422);
      }
      signIn(c, account.id);
      return c.redirect(returnTo, 303);
    } catch (error) {
      if (error instanceof SuspendedError) {
        const errors = [{ field: "login", message: error.message }];
        return signInPage(c, { login, returnTo, errors }, 403);
      }
      if (error instanceof ThrottledError) {
        c.header("Retry-After", String(Math.ceil(error.retryAfterSeconds)));
        const errors = [{ field: "login", message: error.message }];
        return signInPage(c, { login, returnTo, errors }, 429);
      }
      throw error;
    }
  });

  app.post("/signout", (c) => {
    signOut(c);
    setFlash(c, "You have signed out.");
    return c.redirect("/", 303);
  });

  return app;
}
