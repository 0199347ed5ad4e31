import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { type PageContext, TEXT_SIZES } from "../views/layout.tsx";

/** Name of the cookie that remembers the reader's text size. */
export const TEXT_SIZE_COOKIE = "copse_text_size";

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** Tells whether a value is one of the text sizes Copse offers. */
function isTextSize(value: unknown): value is PageContext["textSize"] {
  return typeof value === "string" && (TEXT_SIZES as readonly string[]).includes(value);
}

/** Turns the text size cookie into a size, falling back to standard for a missing or odd value. */
export function readTextSize(cookieValue: string | undefined): PageContext["textSize"] {
  return isTextSize(cookieValue) ? cookieValue : "standard";
}

/** Returns the value if it is a path on this site, otherwise "/", so redirects cannot leave it. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  // "//host" is a scheme-relative URL to another site, and browsers read a backslash as a
  // slash ("/\host") and silently drop tabs and newlines ("/\t/host"), so refuse all of them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point.
  if (value.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(value)) return "/";
  // A final check with the URL parser catches anything else that would resolve off-site.
  const base = "http://copse.invalid";
  return new URL(value, base).origin === base ? value : "/";
}

/** Routes for the reader's display preferences, which work without an account or JavaScript. */
export function preferenceRoutes(opts: { secureCookies: boolean }): Hono {
  const app = new Hono();

  app.post("/preferences/text-size", async (c) => {
    // CSRF is checked by the global middleware before this handler runs.
    const form = await c.req.parseBody();
    const size = form.size;
    if (!isTextSize(size)) {
      return c.text("Choose a text size: standard, large or largest.", 400);
    }
    setCookie(c, TEXT_SIZE_COOKIE, size, {
      path: "/",
      maxAge: ONE_YEAR_SECONDS,
      sameSite: "Lax",
      httpOnly: true,
      secure: opts.secureCookies,
    });
    // 303 makes the browser follow with a GET, so refreshing the page does not resubmit.
    return c.redirect(safeReturnPath(form.return), 303);
  });

  return app;
}
