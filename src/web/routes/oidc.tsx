import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../../config.ts";
import { signInWithIdentity } from "../../domain/account/identities.ts";
import { logger } from "../../logging.ts";
import { setFlash, signIn } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { CALLBACK_PATH, OidcClient, type PendingSignIn } from "../oidc.ts";
import { signInPage } from "./auth.tsx";
import { safeReturnPath } from "./preferences.ts";

const log = logger("web", "oidc");
const PENDING_COOKIE = "copse_oidc";
const PENDING_MINUTES = 10;

// One client per configuration, so discovery happens once per running server.
const clients = new WeakMap<Config, OidcClient>();

function clientFor(config: Config): OidcClient | undefined {
  if (!config.oidc) return undefined;
  let found = clients.get(config);
  if (!found) {
    found = new OidcClient(config.oidc, config.origin);
    clients.set(config, found);
  }
  return found;
}

function refusePage(c: Context<AppEnv>, message: string, status: 400 | 403 | 422 = 403) {
  return signInPage(c, { errors: [{ field: "oidc", message }] }, status);
}

function readPending(value: string | undefined): PendingSignIn | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as PendingSignIn;
    const fields = [parsed.state, parsed.nonce, parsed.verifier, parsed.returnTo];
    return fields.every((f) => typeof f === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sign-in through the organisation's OpenID Connect provider (authorization code flow with
 * PKCE, state and nonce). Absent unless COPSE_OIDC_* is configured.
 */
export function oidcRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // A GET, so the browser follows the provider's redirects freely. Another site can start a
  // sign-in this way, but only the person at the provider can finish it, in their own browser.
  app.get("/signin/oidc", async (c) => {
    const { config } = c.get("deps");
    const oidc = clientFor(config);
    if (!oidc) return c.notFound();
    const returnTo = safeReturnPath(c.req.query("return"));
    try {
      const { url, pending } = await oidc.start(returnTo);
      // The state, nonce and PKCE verifier stay with this browser only: httpOnly, limited to the
      // callback's path, gone in ten minutes. Lax lets the provider's redirect back carry it.
      setCookie(c, PENDING_COOKIE, Buffer.from(JSON.stringify(pending)).toString("base64url"), {
        httpOnly: true,
        sameSite: "Lax",
        secure: config.origin.startsWith("https:"),
        path: CALLBACK_PATH,
        maxAge: PENDING_MINUTES * 60,
      });
      return c.redirect(url.href, 303);
    } catch (error) {
      log.error("OpenID Connect sign-in could not start: {error}", { error: String(error) });
      return refusePage(
        c,
        `Signing in with ${config.oidc?.label} is not working at the moment. Sign in with your password, or try again later.`,
        422,
      );
    }
  });

  app.get(CALLBACK_PATH, async (c) => {
    const { config, db } = c.get("deps");
    const oidc = clientFor(config);
    if (!oidc || !config.oidc) return c.notFound();
    const pending = readPending(getCookie(c, PENDING_COOKIE));
    deleteCookie(c, PENDING_COOKIE, { path: CALLBACK_PATH });
    const startAgain = "Signing in did not complete. Start again from the sign-in page.";
    if (!pending) {
      log.warning("OpenID Connect callback refused: no sign-in was started in this browser");
      return refusePage(c, startAgain, 400);
    }
    const query = new URL(c.req.url).search;
    if (c.req.query("state") !== pending.state) {
      log.warning("OpenID Connect callback refused: its state does not match this browser's");
      return refusePage(c, startAgain, 400);
    }
    const providerError = c.req.query("error");
    if (providerError) {
      log.info("OpenID Connect provider ended the sign-in: {error}", { error: providerError });
      return refusePage(c, `${config.oidc.label} did not sign you in. ${startAgain}`, 403);
    }
    let claims: Awaited<ReturnType<OidcClient["finish"]>>;
    try {
      claims = await oidc.finish(query, pending);
    } catch (error) {
      log.warning("OpenID Connect callback refused: {error}", { error: String(error) });
      return refusePage(c, startAgain, 400);
    }
    const outcome = await signInWithIdentity(db, config.origin, claims, config.oidc);
    if ("refused" in outcome) {
      log.info("OpenID Connect sign-in refused ({reason}) for subject {subject}", {
        reason: outcome.refused,
        subject: claims.subject,
      });
      return refusePage(c, outcome.message);
    }
    log.info("OpenID Connect sign-in ({how}) for account {account}", {
      how: outcome.how,
      account: outcome.account.id,
    });
    signIn(c, outcome.account.id);
    if (outcome.how !== "known") {
      setFlash(
        c,
        outcome.how === "created"
          ? `Welcome. Your account @${outcome.account.actor.handle} was made from your ${config.oidc.label} sign-in.`
          : `Your ${config.oidc.label} sign-in is now linked to this account.`,
      );
    }
    return c.redirect(pending.returnTo, 303);
  });

  return app;
}
