import { and, desc, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { itemGroups, items } from "../db/schema/index.ts";
import type { ItemRow } from "./items.ts";

/**
 * The newest public posts that start a thread in a community and were written on this
 * instance: what its outbox lists, so a server that has just followed it (Lemmy reads the
 * outbox then) can show its recent posts. Posts from other servers are left out, because
 * their Create is theirs to serve; wiki pages travel as revisions instead.
 */
export function latestLocalPosts(db: Db, groupId: number, limit = 20): ItemRow[] {
  return db
    .select({ item: items })
    .from(items)
    .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
    .where(
      and(
        eq(itemGroups.groupId, groupId),
        eq(items.isLocal, true),
        isNull(items.parentId),
        isNull(items.deletedAt),
        eq(items.status, "published"),
        eq(items.visibility, "public"),
        ne(items.kind, "wiki"),
      ),
    )
    .orderBy(desc(items.publishedAt))
    .limit(limit)
    .all()
    .map((row) => row.item);
}
