import type { Context, MiddlewareHandler } from "hono";
import type { Db } from "../db/client.ts";
import { itemPathOf } from "../domain/item-links.ts";
import { findItemByIri } from "../domain/items.ts";
import type { CopseContext } from "../federation/context.ts";
import { shapeServedResponse } from "../federation/served.ts";
import type { AppEnv } from "./env.ts";

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
  return async (c, next) => {
    const { federation, db, config } = c.get("deps");
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
    // Strict readers (Lemmy) need lists as arrays and their own collection shapes.
    if (!passed) return shapeServedResponse(response);
    return c.res;
  };
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
