import { Hono } from "hono";
import { authenticate, createAccount } from "../../domain/accounts.ts";
import { ThrottledError, ValidationError } from "../../domain/errors.ts";
import { logger } from "../../logging.ts";
import { setFlash, signIn, signOut } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { clientKey, formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { SignInPage, SignUpPage } from "../views/pages/auth.tsx";
import { safeReturnPath } from "./preferences.ts";

const log = logger("web", "auth");

/** Sign up, sign in and sign out. */
export function authRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/signup", (c) =>
    render(
      c,
      <SignUpPage ctx={pageContext(c)} closed={c.get("deps").config.registration === "closed"} />,
    ),
  );

  app.post("/signup", async (c) => {
    const { db, config } = c.get("deps");
    if (config.registration === "closed") {
      return render(c, <SignUpPage ctx={pageContext(c)} closed />, 403);
    }
    const f = await formFields(c);
    const values = { handle: f.handle ?? "", email: f.email ?? "", name: f.name ?? "" };
    try {
      const account = await createAccount(db, config.origin, {
        ...values,
        password: f.password ?? "",
      });
      log.info("New account {handle}", { handle: account.actor.handle });
      signIn(c, account.id);
      setFlash(
        c,
        account.isAdmin
          ? "Your account is ready. You are this instance's administrator."
          : "Your account is ready.",
      );
      return c.redirect("/profile/edit", 303);
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

  app.get("/signin", (c) =>
    render(c, <SignInPage ctx={pageContext(c)} returnTo={safeReturnPath(c.req.query("return"))} />),
  );

  app.post("/signin", async (c) => {
    const { db } = c.get("deps");
    const f = await formFields(c);
    const login = (f.login ?? "").trim();
    const returnTo = safeReturnPath(f.return);
    if (!login || !f.password) {
      const errors = [];
      if (!login) errors.push({ field: "login", message: "Enter your handle or email address" });
      if (!f.password) errors.push({ field: "password", message: "Enter your password" });
      return render(
        c,
        <SignInPage ctx={pageContext(c)} login={login} returnTo={returnTo} errors={errors} />,
        422,
      );
    }
    try {
      const account = await authenticate(db, login, f.password, clientKey(c));
      if (!account) {
        const errors = [
          { field: "login", message: "The handle, email address or password is not right" },
        ];
        return render(
          c,
          <SignInPage ctx={pageContext(c)} login={login} returnTo={returnTo} errors={errors} />,
          422,
        );
      }
      signIn(c, account.id);
      return c.redirect(returnTo, 303);
    } catch (error) {
      if (error instanceof ThrottledError) {
        c.header("Retry-After", String(Math.ceil(error.retryAfterSeconds)));
        const errors = [{ field: "login", message: error.message }];
        return render(
          c,
          <SignInPage ctx={pageContext(c)} login={login} returnTo={returnTo} errors={errors} />,
          429,
        );
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
