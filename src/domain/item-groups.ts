import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { frozen, keptByIdUntilChange } from "../db/generation.ts";
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
  // while a page renders (src/db/read-memo.ts), and kept until a change (groupsOfItems).
  return memoRead(
    db,
    `groupsOfItem:${itemId}`,
    () => groupsOfItems(db, [itemId]).get(itemId) ?? [],
  );
}

/**
 * Reads the communities of many items in one query ahead of a page asking for each in turn
 * (only while a page request remembers its reads; otherwise nothing is read).
 */
export function readGroupsOfItemsAhead(db: Db, itemIds: number[]): void {
  if (itemIds.length === 0 || !readMemoOpen(db)) return;
  rememberReads(
    db,
    [...groupsOfItems(db, itemIds)].map(([id, groups]) => [`groupsOfItem:${id}`, groups]),
  );
}

/**
 * The communities of many items in one query, by item id (each item's in the usual order).
 * Every page of posts asks for them: kept until a change, frozen as requests share them.
 */
export function groupsOfItems(db: Db, itemIds: number[]): Map<number, ActorRow[]> {
  if (itemIds.length === 0) return new Map();
  const kept = keptGroups(db, itemIds, (missing) => {
    const byItem = new Map<number, ActorRow[]>(missing.map((id) => [id, []]));
    for (const row of groupsOfItemsQuery(db).all({ ids: JSON.stringify(missing) })) {
      byItem.get(row.itemId)?.push(row.actor);
    }
    for (const groups of byItem.values()) frozen(groups);
    return byItem;
  });
  // In the order asked, as callers list them.
  return new Map(itemIds.map((id) => [id, kept.get(id) ?? []]));
}

const keptGroups = keptByIdUntilChange<ActorRow[]>(5_000);

const groupsOfItemsQuery = preparedQuery((db) =>
  db
    .select({ itemId: itemGroups.itemId, actor: actors })
    .from(itemGroups)
    .innerJoin(actors, eq(itemGroups.groupId, actors.id))
    .where(inIdList(itemGroups.itemId))
    .orderBy(itemGroups.itemId, itemGroups.groupId)
    .prepare(),
);
