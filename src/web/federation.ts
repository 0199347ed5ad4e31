import type { Context, MiddlewareHandler } from "hono";
import type { Db } from "../db/client.ts";
import { changeStamp } from "../db/generation.ts";
import { itemPathOf } from "../domain/item-links.ts";
import { findItemByIri } from "../domain/items.ts";
import type { CopseContext } from "../federation/context.ts";
import { isActivityJson, shapeServedResponse } from "../federation/served.ts";
import type { AppEnv } from "./env.ts";
import { CACHE_HEADER } from "./page-cache.ts";
import { keptHeaders, StampedCache } from "./stamped-cache.ts";

/** A Fedify context for a web request, for handlers that must federate. */
export function federationContext(c: Context<AppEnv>): CopseContext {
  const { federation, db, config } = c.get("deps");
  return federation.createContext(c.req.raw, { db, config });
}

/**
 * Lets Fedify answer the requests it owns (actors, inboxes, collections, WebFinger, NodeInfo)
 * and passes everything else, including browsers asking for an actor's HTML, to the web routes.
 */
export function federationMiddleware(): MiddlewareHandler<AppEnv> {
  // Actor documents, kept while the database is unchanged (see actorDocumentKey below).
  const actorDocuments = new StampedCache(2_000, 4 * 1024 * 1024);
  return async (c, next) => {
    const { federation, db, config } = c.get("deps");
    const actorKey = config.pageCacheSeconds > 0 ? actorDocumentKey(c) : null;
    const stamp = actorKey === null ? "" : changeStamp(db);
    if (actorKey !== null) {
      const kept = actorDocuments.get(actorKey, stamp, config.pageCacheSeconds * 1000);
      if (kept !== undefined) {
        return new Response(kept.body, { headers: [...kept.headers, [CACHE_HEADER, "hit"]] });
      }
    }
    let passed = false;
    const response = await federation.fetch(c.req.raw, {
      contextData: { db, config },
      onNotFound: async (request) => {
        // Everything under /ap/ belongs to federation: an unknown actor's inbox or a missing
        // object is a plain 404 for the peer, never a web page or a CSRF refusal.
        if (new URL(request.url).pathname.startsWith("/ap/")) {
          // Read the (size-limited) body first: a response sent before the request is read
          // makes the Node adapter cut the connection under load, and the peer sees a network
          // error instead of the 404.
          if (!request.bodyUsed) await request.arrayBuffer().catch(() => undefined);
          const gone = deletedObject(db, new URL(request.url).pathname, config.origin);
          if (gone) return gone;
          return new Response("Not found", {
            status: 404,
            headers: { "content-type": "text/plain" },
          });
        }
        passed = true;
        await next();
        return c.res;
      },
      onNotAcceptable: async (request) => {
        // A browser (or NodeBB probing with HEAD) that opens a post's id goes to its page,
        // as one that opens an actor's id does (src/web/app.ts).
        const page = objectPage(db, new URL(request.url).pathname, config.origin);
        if (page && (request.method === "GET" || request.method === "HEAD")) {
          return new Response(null, { status: 303, headers: { location: page } });
        }
        passed = true;
        await next();
        return c.res;
      },
    });
    if (passed) return c.res;
    // Strict readers (Lemmy) need lists as arrays and their own collection shapes.
    const shaped = await shapeServedResponse(response);
    if (actorKey !== null && shaped.status === 200 && isActivityJson(shaped)) {
      actorDocuments.set(actorKey, stamp, {
        body: await shaped.clone().text(),
        headers: keptHeaders(shaped, ["content-type", "cache-control", "vary", "link"]),
      });
      shaped.headers.set(CACHE_HEADER, "miss");
    }
    return shaped;
  };
}

/**
 * The cache key of a request for an actor's JSON document, or null for any other request.
 * Every server that meets one of this instance's people or communities fetches the actor, and
 * Fedify builds each answer afresh through JSON-LD compaction (about 8 ms of CPU), though an
 * actor document is the same for every reader (its dispatcher asks no one to sign): it is
 * kept while the database is unchanged, for COPSE_PAGE_CACHE_SECONDS at most.
 */
function actorDocumentKey(c: Context<AppEnv>): string | null {
  if (c.req.method !== "GET" || !/^\/ap\/actors\/[^/]+$/.test(c.req.path)) return null;
  const accept = c.req.header("accept") ?? "";
  return /json/i.test(accept) ? `${c.req.url}\n${accept}` : null;
}

/**
 * A deleted local object answers 410 Gone with a Tombstone, not a bare 404: other servers
 * (Copse among them) treat only that as proof of deletion, never a failed fetch.
 */
function deletedObject(db: Db, pathname: string, origin: string): Response | null {
  const item = findItemByIri(db, new URL(pathname, origin).href);
  if (!item?.isLocal || !item.deletedAt) return null;
  const tombstone = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: item.iri,
    type: "Tombstone",
    deleted: item.deletedAt.toISOString(),
  };
  return new Response(JSON.stringify(tombstone), {
    status: 410,
    headers: { "content-type": "application/activity+json" },
  });
}

/**
 * The page of the item whose ActivityPub id is this path: a local author's blog entry on
 * their blog, anything else in its first community. Null for ids that are not items.
 */
function objectPage(db: Db, pathname: string, origin: string): string | null {
  if (!pathname.startsWith("/ap/")) return null;
  const item = findItemByIri(db, new URL(pathname, origin).href);
  if (!item?.isLocal) return null;
  return itemPathOf(db, item);
}
