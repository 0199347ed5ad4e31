import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { inIdList, preparedQuery } from "../db/prepared.ts";
import { memoRead, readMemoOpen, rememberReads } from "../db/read-memo.ts";
import { actors, itemGroups } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";

// The communities an item is published into: asked for every post a page shows, so the
// answers are remembered for the length of a page request and can be read for a whole page
// of posts at once (src/db/read-memo.ts).

/** The groups an item is published into. */
export function groupsOfItem(db: Db, itemId: number): ActorRow[] {
  // Asked several times for each post of a page (who may see, vote on, edit it): remembered
  // while a page renders (src/db/read-memo.ts).
  return memoRead(db, `groupsOfItem:${itemId}`, () =>
    groupsOfItemQuery(db)
      .all({ itemId })
      .map((r) => r.actor),
  );
}

/**
 * Reads the communities of many items in one query ahead of a page asking for each in turn
 * (only while a page request remembers its reads; otherwise nothing is read).
 */
export function readGroupsOfItemsAhead(db: Db, itemIds: number[]): void {
  if (itemIds.length === 0 || !readMemoOpen(db)) return;
  const byItem = new Map<number, ActorRow[]>(itemIds.map((id) => [id, []]));
  for (const row of groupsOfItemsQuery(db).all({ ids: JSON.stringify(itemIds) })) {
    byItem.get(row.itemId)?.push(row.actor);
  }
  rememberReads(
    db,
    [...byItem].map(([id, groups]) => [`groupsOfItem:${id}`, groups]),
  );
}

/** The communities of many items in one query, by item id (each item's in the usual order). */
export function groupsOfItems(db: Db, itemIds: number[]): Map<number, ActorRow[]> {
  const byItem = new Map<number, ActorRow[]>(itemIds.map((id) => [id, []]));
  if (itemIds.length === 0) return byItem;
  for (const row of groupsOfItemsQuery(db).all({ ids: JSON.stringify(itemIds) })) {
    byItem.get(row.itemId)?.push(row.actor);
  }
  return byItem;
}

const groupsOfItemsQuery = preparedQuery((db) =>
  db
    .select({ itemId: itemGroups.itemId, actor: actors })
    .from(itemGroups)
    .innerJoin(actors, eq(itemGroups.groupId, actors.id))
    .where(inIdList(itemGroups.itemId))
    .orderBy(itemGroups.itemId, itemGroups.groupId)
    .prepare(),
);

const groupsOfItemQuery = preparedQuery((db) =>
  db
    .select({ actor: actors })
    .from(itemGroups)
    .innerJoin(actors, eq(itemGroups.groupId, actors.id))
    .where(eq(itemGroups.itemId, sql.placeholder("itemId")))
    // The primary key's order, which SQLite follows anyway; said, so PostgreSQL answers alike.
    .orderBy(itemGroups.groupId)
    .prepare(),
);
