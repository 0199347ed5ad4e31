import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { items } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";
import { canView, getItem, groupsOfItem, type ItemRow } from "./items.ts";

/** One contribution shown on a profile: the item, where it lives and its thread's first item. */
export interface Contribution {
  item: ItemRow;
  group: ActorRow;
  root: ItemRow;
}

/**
 * A person's newest contributions in communities (topics, replies, wiki pages, events,
 * documents) that the viewer may see. Private-community items are dropped for non-members.
 */
export function recentContributions(
  db: Db,
  authorId: number,
  viewerId: number | null,
  limit = 5,
): Contribution[] {
  const rows = db
    .select()
    .from(items)
    .where(
      and(eq(items.authorId, authorId), eq(items.status, "published"), isNull(items.deletedAt)),
    )
    .orderBy(desc(items.publishedAt))
    .limit(limit * 6)
    .all();
  const out: Contribution[] = [];
  for (const item of rows) {
    if (out.length >= limit) break;
    if (item.kind === "entry") continue; // Blog entries have their own list on the profile.
    if (!canView(db, item, viewerId)) continue;
    const root = item.rootId && item.rootId !== item.id ? getItem(db, item.rootId) : item;
    const group = groupsOfItem(db, (root ?? item).id)[0] ?? groupsOfItem(db, item.id)[0];
    if (!root || !group) continue;
    out.push({ item, group, root });
  }
  return out;
}
