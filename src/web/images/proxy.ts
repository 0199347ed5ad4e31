import { type Context, Hono } from "hono";
import type { Db } from "../../db/client.ts";
import {
  failedProxyUrls,
  imageProxyKey,
  signImageUrl,
  verifyImageUrl,
} from "../../domain/images/proxy-cache.ts";
import { fileStoreFor } from "../../domain/storage/store.ts";
import { proxiedImage } from "../../federation/image-proxy.ts";
import { logger } from "../../logging.ts";
import type { AppEnv } from "../env.ts";

// Pictures from other servers are never loaded by the reader's browser from those servers,
// which would learn who reads what: every page's <img> whose address is elsewhere is sent
// through /media/proxy/ as the page leaves (rewritePageImages), and the Content-Security-Policy
// allows pictures from this server only, so one that slipped past would not load either.
// The proxy fetches only addresses this server signed with its own key: it is not open to
// anyone who wants a fetch made from this server's address.

const log = logger("web", "image-proxy");

const PROXY_PREFIX = "/media/proxy/";

/** The path of the proxy for a remote address, signed with this instance's key. */
export function proxyPath(db: Db, url: string): string {
  return `${PROXY_PREFIX}${signImageUrl(imageProxyKey(db), url)}?u=${encodeURIComponent(url)}`;
}

/**
 * The address a page should use for a picture: the proxy's for one on another server, the
 * address itself for one on this server (or one that is not a web address at all). For views
 * that put a remote picture on a page, such as remote people's photos.
 */
export function proxiedImageUrl(c: Context<AppEnv>, url: string): string {
  const { db, config } = c.get("deps");
  const remote = remoteAddress(url, config.origin);
  return remote ? proxyPath(db, remote) : url;
}

/** The absolute address of a picture on another server, or null for one on this server. */
function remoteAddress(src: string, origin: string): string | null {
  let url: URL;
  try {
    url = new URL(src, origin);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return url.origin === origin ? null : url.href;
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&quot;": '"',
  "&#39;": "'",
  "&#x27;": "'",
  "&lt;": "<",
  "&gt;": ">",
};
const decode = (text: string) => text.replace(/&(amp|quot|#39|#x27|lt|gt);/g, (e) => ENTITIES[e]!);
const encode = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// Pages come from JSX (which escapes every attribute) and stored HTML (cleaned by the
// sanitizer, which writes every attribute double-quoted and escaped), so a tag never holds a
// raw ">" and an attribute never a raw quote: these patterns read them exactly.
const TAG = /<(\/?)(a|img)\b([^>]*)>/gi;
/** Only pictures, for the first look at a page: most pages have far more links than pictures. */
const IMG = /<img\b([^>]*)>/gi;
const SRC = /(\ssrc=")([^"]*)(")/i;
const ALT = /\salt="([^"]*)"/i;

/**
 * Sends every picture on a page that lives on another server through the image proxy. A
 * picture whose fetch failed lately is shown as its alt text instead, linked to where it
 * lives (unless it sits in a link already) so the reader may choose to follow it.
 */
export function rewritePageImages(db: Db, origin: string, html: string): string {
  const remote = new Map<string, string>();
  for (const match of html.matchAll(IMG)) {
    const src = SRC.exec(match[1]!)?.[2];
    // Most pictures on a page are this server's (faces, uploads), written as paths: no need to
    // parse those as addresses (a URL each, for each of a thread's hundred faces). "//" and
    // "/\" start another server's address, as URLs and browsers read them.
    if (src === undefined || (src[0] === "/" && src[1] !== "/" && src[1] !== "\\")) continue;
    const url = remoteAddress(decode(src), origin);
    if (url) remote.set(src!, url);
  }
  if (remote.size === 0) return html;
  const failed = failedProxyUrls(db, [...remote.values()]);
  let linkDepth = 0;
  return html.replace(TAG, (tag, closing: string, name: string, attributes: string) => {
    if (name.toLowerCase() === "a") {
      linkDepth = Math.max(0, linkDepth + (closing ? -1 : 1));
      return tag;
    }
    const src = SRC.exec(attributes)?.[2];
    const url = src === undefined ? undefined : remote.get(src);
    if (!url) return tag;
    if (failed.has(url)) {
      const alt = ALT.exec(attributes)?.[1] || encode(new URL(url).host);
      const text = `<span class="copse-missing-image">Picture: ${alt}</span>`;
      return linkDepth > 0
        ? text
        : `<a class="govuk-link" href="${encode(url)}" rel="nofollow ugc noopener">${text}</a>`;
    }
    return tag.replace(SRC, (_m, before: string, _v: string, after: string) => {
      return `${before}${encode(proxyPath(db, url))}${after}`;
    });
  });
}

/** The image proxy: signed addresses only, pictures only, from a bounded cache. */
export function imageProxyRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get(`${PROXY_PREFIX}:signature`, async (c) => {
    const { db, config } = c.get("deps");
    const url = c.req.query("u") ?? "";
    const signature = c.req.param("signature");
    if (!url || !verifyImageUrl(imageProxyKey(db), url, signature)) {
      log.warn("Refused an image proxy request for {url}: the signature is missing or wrong", {
        url,
      });
      return c.text("This address was not made by this server, so it is not fetched.", 403);
    }
    const row = await proxiedImage(db, config, url);
    const bytes = row?.storagePath ? await fileStoreFor(config.files).get(row.storagePath) : null;
    if (!bytes) {
      return c.text("That picture could not be fetched.", 404, {
        "cache-control": "public, max-age=600",
      });
    }
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": "image/webp",
      "cache-control": "public, max-age=604800",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
    });
  });
  return app;
}
