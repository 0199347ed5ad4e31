import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";
import { pageContext, render } from "./render.ts";
import { ForbiddenPage } from "./views/errors.tsx";

/**
 * Refuses the instance's administration pages to anyone who is not an administrator, with 403.
 * Put it after requireSignIn(), which sends people who are not signed in to sign in first.
 */
export function adminOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("account")?.isAdmin) {
      return render(
        c,
        <ForbiddenPage
          ctx={pageContext(c)}
          message="Only this instance's administrators can use this page."
        />,
        403,
      );
    }
    await next();
  };
}
