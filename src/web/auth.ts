import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { accountForSession, createSession, deleteSession } from "../domain/accounts.ts";
import type { AppDeps, AppEnv } from "./env.ts";

const SESSION_COOKIE = "copse_session";
const CSRF_COOKIE = "copse_csrf";
const FLASH_COOKIE = "copse_flash";
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// RFC 8058 one-click unsubscribe: mail providers POST to the link with no cookies, so the token in
// the path is the credential (src/web/routes/alerts.tsx); nothing else skips the CSRF check.
const ONE_CLICK_UNSUBSCRIBE = /^\/alerts\/unsubscribe\/[A-Za-z0-9_-]{43}$/;

function secure(deps: AppDeps): boolean {
  return deps.config.origin.startsWith("https:");
}

/** Loads the signed-in account (if any) from the session cookie. */
export function sessionMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE) ?? null;
    const account = token ? (accountForSession(c.get("deps").db, token) ?? null) : null;
    c.set("sessionToken", account ? token : null);
    c.set("account", account);
    await next();
  };
}

/**
 * Guards every form against cross-site request forgery with a double-submit token: a random
 * value in an httpOnly SameSite cookie that each form must echo in its `_csrf` field. The
 * Origin header, when the browser sends one, must also be this instance's origin.
 */
export function csrfMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get("deps");
    let token = getCookie(c, CSRF_COOKIE);
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
      token = randomBytes(32).toString("base64url");
      setCookie(c, CSRF_COOKIE, token, {
        httpOnly: true,
        sameSite: "Lax",
        secure: secure(deps),
        path: "/",
      });
    }
    c.set("csrfToken", maskToken(token));
    if (UNSAFE_METHODS.has(c.req.method) && !ONE_CLICK_UNSUBSCRIBE.test(c.req.path)) {
      const origin = c.req.header("origin");
      if (origin && origin !== "null" && origin !== deps.config.origin) {
        return c.text("This form came from another site, so it was refused.", 403);
      }
      const type = c.req.header("content-type") ?? "";
      let sent: unknown;
      if (
        type.startsWith("application/x-www-form-urlencoded") ||
        type.startsWith("multipart/form-data")
      ) {
        sent = (await c.req.parseBody())._csrf;
      }
      if (
        typeof sent !== "string" ||
        !sameToken(unmaskToken(sent), getCookie(c, CSRF_COOKIE) ?? "")
      ) {
        return c.text(
          "Your form had expired or did not come from this site, so nothing was changed. Go back, reload the page and try again.",
          403,
        );
      }
    }
    await next();
  };
}

// Pages are compressed, and a page that echoes what a visitor typed (a search, say) next to a
// secret lets an eavesdropper guess the secret from compressed sizes (BREACH). So forms carry
// the token under a fresh random mask on every page: the same secret never appears twice.

/** The token as forms carry it: a random mask followed by the token XOR the mask. */
export function maskToken(token: string): string {
  const secret = Buffer.from(token, "base64url");
  const mask = randomBytes(secret.length);
  const masked = Buffer.alloc(secret.length);
  for (let i = 0; i < secret.length; i++) masked[i] = secret[i]! ^ mask[i]!;
  return Buffer.concat([mask, masked]).toString("base64url");
}

/** The token a form sent, unmasked; a bare token (from a client that read the cookie) passes as is. */
function unmaskToken(sent: string): string {
  const bytes = Buffer.from(sent, "base64url");
  if (bytes.length !== 64) return sent;
  const token = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) token[i] = bytes[i]! ^ bytes[32 + i]!;
  return token.toString("base64url");
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Starts a session for an account and sets its cookie. */
export function signIn(c: Context<AppEnv>, accountId: number): void {
  const deps = c.get("deps");
  const token = createSession(deps.db, accountId);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secure(deps),
    path: "/",
    maxAge: 30 * 86_400,
  });
}

/** Ends the current session and clears its cookie. */
export function signOut(c: Context<AppEnv>): void {
  const token = c.get("sessionToken");
  if (token) deleteSession(c.get("deps").db, token);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

/** Sends people who are not signed in to the sign-in page, then back. */
export function requireSignIn(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("account")) {
      const back = new URL(c.req.url).pathname;
      return c.redirect(`/signin?return=${encodeURIComponent(back)}`, 303);
    }
    await next();
  };
}

/** Stores a one-time message shown on the next page (after a redirect). */
export function setFlash(c: Context<AppEnv>, message: string): void {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(message), {
    httpOnly: true,
    sameSite: "Lax",
    secure: secure(c.get("deps")),
    path: "/",
    maxAge: 60,
  });
}

/** Reads and clears the one-time message, if any. */
export function takeFlash(c: Context<AppEnv>): string | undefined {
  const value = getCookie(c, FLASH_COOKIE);
  if (value === undefined) return undefined;
  deleteCookie(c, FLASH_COOKIE, { path: "/" });
  try {
    return decodeURIComponent(value).slice(0, 500);
  } catch {
    return undefined;
  }
}

/** Whether the request carries a one-time message (its page is then the visitor's own). */
export function hasFlash(c: Context<AppEnv>): boolean {
  return getCookie(c, FLASH_COOKIE) !== undefined;
}

/** Whether a Set-Cookie value is the CSRF cookie, the one cookie any visitor's page may set. */
export function isCsrfCookie(setCookieValue: string): boolean {
  return setCookieValue.startsWith(`${CSRF_COOKIE}=`);
}
