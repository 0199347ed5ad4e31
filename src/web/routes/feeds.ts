import { createHash } from "node:crypto";
import { type Context, Hono } from "hono";
import { communityFeed, communitySectionFeed } from "../../domain/feeds/community-feeds.ts";
import { searchFeed, tagFeed } from "../../domain/feeds/discovery-feeds.ts";
import type { FeedData } from "../../domain/feeds/feed-data.ts";
import { myActivityFeed, personBlogFeed } from "../../domain/feeds/person-feeds.ts";
import { personForFeedToken } from "../../domain/feeds/tokens.ts";
import type { AppEnv } from "../env.ts";
import { FEED_CONTENT_TYPES, type FeedFormat, writeFeed } from "../feed-writer.ts";
import { feedSettingsRoutes } from "./feed-settings.tsx";

// RSS 2.0 and Atom feeds, one scheme for all:
//   /feeds/c/<community>.rss|.atom               everything new in a local community
//   /feeds/c/<community>/<section>.rss|.atom     a section of a local community
//   /feeds/people/<person>/blog.rss|.atom        a person's blog
//   /feeds/tags/<tag>.rss|.atom                  everything with a tag
//   /feeds/search.rss|.atom?q=<words>            a saved search
//   /feeds/me.rss|.atom?token=<token>            activity in the token holder's communities
// Feed readers cannot sign in, so the session is ignored: without a token a feed shows what
// an anonymous visitor may see; with ?token= it shows what the token's owner may see. A token
// that does not work is answered 404 with nothing else, never with the public feed instead.

type C = Context<AppEnv>;

/** How long readers and caches may keep a feed before asking again (it is cheap to revalidate). */
const MAX_AGE_SECONDS = 300;

/** Who a feed is built for: a token's owner, anyone (no token), or nobody (a bad token). */
type Viewer = { personId: number | null } | "refused";

function viewerOf(c: C): Viewer {
  const token = c.req.query("token");
  if (token === undefined) return { personId: null };
  const personId = personForFeedToken(c.get("deps").db, token);
  return personId === null ? "refused" : { personId };
}

/** Splits "forum.rss" into its name and format; null for any other extension. */
function parseFile(file: string): { name: string; format: FeedFormat } | null {
  const match = /^(.+)\.(rss|atom)$/.exec(file);
  return match ? { name: match[1]!, format: match[2] as FeedFormat } : null;
}

function notFound(c: C) {
  // The CSRF cookie the middleware set is no use to a feed reader.
  c.header("Set-Cookie", undefined);
  c.header("Cache-Control", "no-store");
  return c.text("There is no feed at this address.", 404);
}

/** Whether an If-None-Match header names this ETag (or is "*"). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === etag.replace(/^W\//, "") || tag === "*");
}

/**
 * Writes a feed with an ETag made from its bytes, answering 304 when the reader already has
 * them. Feeds read with a token are marked private so no shared cache keeps someone's view.
 */
function feedResponse(c: C, data: FeedData | null, format: FeedFormat, personal: boolean) {
  if (!data) return notFound(c);
  const { origin } = c.get("deps").config;
  const here = new URL(c.req.url);
  const address = (ext: FeedFormat) =>
    new URL(here.pathname.replace(/\.(rss|atom)$/, `.${ext}`) + here.search, origin).href;
  const body = writeFeed(data, format, { rss: address("rss"), atom: address("atom") });
  // Weak, because the same feed goes out gzipped or not (src/web/app.ts): the two are the same
  // feed to a reader, but not the same bytes, which is what a strong validator promises.
  const etag = `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
  c.header("Set-Cookie", undefined);
  c.header("ETag", etag);
  c.header(
    "Cache-Control",
    `${personal ? "private" : "public"}, max-age=${MAX_AGE_SECONDS}, must-revalidate`,
  );
  c.header("Vary", "Accept-Encoding");
  // An address holding a secret should not end up in a search engine.
  if (personal) c.header("X-Robots-Tag", "noindex");
  if (matchesEtag(c.req.header("if-none-match"), etag)) return c.body(null, 304);
  c.header("Content-Type", FEED_CONTENT_TYPES[format]);
  return c.body(body, 200);
}

/** The RSS and Atom feeds of communities, blogs, tags and searches, and "Your feed links". */
export function feedRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route("/", feedSettingsRoutes());

  app.get("/feeds/c/:file", (c) => {
    const file = parseFile(c.req.param("file"));
    const viewer = viewerOf(c);
    if (!file || viewer === "refused") return notFound(c);
    const { db, config } = c.get("deps");
    const data = communityFeed(db, config.origin, file.name, viewer.personId);
    return feedResponse(c, data, file.format, viewer.personId !== null);
  });

  app.get("/feeds/c/:handle/:file", (c) => {
    const file = parseFile(c.req.param("file"));
    const viewer = viewerOf(c);
    if (!file || viewer === "refused") return notFound(c);
    const { db, config } = c.get("deps");
    const handle = c.req.param("handle");
    const data = communitySectionFeed(db, config.origin, handle, file.name, viewer.personId);
    return feedResponse(c, data, file.format, viewer.personId !== null);
  });

  app.get("/feeds/people/:handle/:file", (c) => {
    const file = parseFile(c.req.param("file"));
    const viewer = viewerOf(c);
    if (file?.name !== "blog" || viewer === "refused") return notFound(c);
    const { db, config } = c.get("deps");
    const handle = c.req.param("handle");
    const data = personBlogFeed(db, config.origin, handle, viewer.personId);
    return feedResponse(c, data, file.format, viewer.personId !== null);
  });

  app.get("/feeds/tags/:file", (c) => {
    const file = parseFile(c.req.param("file"));
    const viewer = viewerOf(c);
    if (!file || viewer === "refused") return notFound(c);
    const { db, config } = c.get("deps");
    const data = tagFeed(db, config.origin, file.name, viewer.personId);
    return feedResponse(c, data, file.format, viewer.personId !== null);
  });

  app.get("/feeds/:file", (c) => {
    const file = parseFile(c.req.param("file"));
    const viewer = viewerOf(c);
    if (!file || viewer === "refused") return notFound(c);
    const { db, config } = c.get("deps");
    if (file.name === "me") {
      // The personal feed exists only with its owner's token.
      if (viewer.personId === null) return notFound(c);
      return feedResponse(c, myActivityFeed(db, config.origin, viewer.personId), file.format, true);
    }
    if (file.name !== "search") return notFound(c);
    const q = c.req.query("q") ?? "";
    if (!q.trim()) {
      c.header("Set-Cookie", undefined);
      return c.text("Say what to search for, e.g. /feeds/search.rss?q=highways", 400);
    }
    const data = searchFeed(db, config.origin, q, viewer.personId);
    return feedResponse(c, data, file.format, viewer.personId !== null);
  });

  return app;
}
