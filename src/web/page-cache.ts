import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { changeStamp } from "../db/generation.ts";
import { hasFlash, isCsrfCookie } from "./auth.ts";
import type { AppEnv } from "./env.ts";
import { matchesEtag } from "./routes/feeds.ts";
import { TEXT_SIZE_COOKIE } from "./routes/preferences.ts";
import { keptHeaders, StampedCache } from "./stamped-cache.ts";

// Most page views at national scale come from people who are not signed in: a link shared in a
// mail or on social media brings hundreds of readers to one page within minutes. Every one of
// them sees the same page, yet each was rendered afresh (3-10 ms of CPU at 100,000 items). A
// page rendered for one such visitor is therefore kept and served to the next, for as long as
// the database has not changed since it was rendered (the change stamp counts every change,
// by any process, to what pages are made of: src/db/change-counter.ts), and a few seconds at
// most, so times written relative to now ("5 minutes ago") and events starting stay close to
// true. Signed-in people always get a fresh page: theirs differ by membership, notifications
// and drafts.
//
// A page carries one thing of its visitor's own: the masked CSRF token of the text-size form
// in its footer. It is kept as a marker and the current visitor's token put in its place, so
// every form still works. Anything else personal (a flash message, any cookie a route sets)
// means the page is not kept.

/** Stands in for the visitor's masked CSRF token in a kept page (not base64url, so unique). */
const TOKEN_MARKER = "\u0000csrf\u0000";
/** The response header that says whether a page was kept from an earlier visitor. */
export const CACHE_HEADER = "X-Page-Cache";
/** Response headers worth keeping; security headers are added again on the way out. */
const KEPT_HEADERS = ["content-type", "cache-control", "content-language", "link", "vary", "etag"];
/**
 * What is kept: pages, and RSS and Atom feeds (a feed reader polls every few minutes, and a
 * private feed's address carries its reader's token, so the address alone tells readers apart;
 * revoking a token is a write, which starts the cache afresh).
 */
const KEPT_TYPES = /^(?:text\/html|application\/(?:rss|atom)\+xml)\b/;
/** The addresses of feeds (routes/feeds.ts). */
const FEED_PATH = /^\/feeds\/.+\.(?:rss|atom)$/;

/**
 * Serves pages to visitors who are not signed in (and feeds without a token to anyone) from
 * pages kept while nothing changed.
 */
export function anonymousPageCache(): MiddlewareHandler<AppEnv> {
  // A thousand pages, 16 MB at most (pages are 5-50 KB): memory the server keeps on purpose.
  const pages = new StampedCache(1_000, 16 * 1024 * 1024);
  return async (c, next) => {
    const { config, db } = c.get("deps");
    const maxAgeMs = config.pageCacheSeconds * 1000;
    if (maxAgeMs === 0 || c.req.method !== "GET" || hasFlash(c)) return next();
    // Feeds ignore the session (routes/feeds.ts): one without a token is anyone's, whoever asks.
    if (c.get("account") !== null && !(FEED_PATH.test(c.req.path) && !c.req.query("token"))) {
      return next();
    }
    // The URL includes the query (a page number, a search) and the text size changes the page.
    const key = `${c.req.url}\n${getCookie(c, TEXT_SIZE_COOKIE) ?? ""}`;
    const stamp = changeStamp(db);
    const token = c.get("csrfToken");
    const kept = pages.get(key, stamp, maxAgeMs);
    if (kept !== undefined) {
      for (const [name, value] of kept.headers) c.header(name, value);
      // Says where the page came from, for operators (and tests) reading the headers.
      c.header(CACHE_HEADER, "hit");
      // A feed reader that has this version already is told so, as the feed itself would.
      const etag = kept.headers.find(([name]) => name === "etag")?.[1];
      if (etag !== undefined) {
        // Only pages carry forms; a feed reader has no use for the CSRF cookie (as in feeds.ts).
        c.header("Set-Cookie", undefined);
        if (matchesEtag(c.req.header("if-none-match"), etag)) return c.body(null, 304);
      }
      return c.body(kept.body.replaceAll(TOKEN_MARKER, token), 200);
    }
    await next();
    const res = c.res;
    if (res.status !== 200 || !KEPT_TYPES.test(res.headers.get("content-type") ?? "")) {
      return;
    }
    if (/\b(?:no-store|private)\b/i.test(res.headers.get("cache-control") ?? "")) return;
    if (res.headers.getSetCookie().some((cookie) => !isCsrfCookie(cookie))) return;
    // The body is read from a clone, so the visitor's own response streams untouched.
    const html = await res.clone().text();
    pages.set(key, stamp, {
      body: html.replaceAll(token, TOKEN_MARKER),
      headers: keptHeaders(res, KEPT_HEADERS),
    });
    res.headers.set(CACHE_HEADER, "miss");
  };
}
