import { and, isNull, type SQL } from "drizzle-orm";
import { items } from "../db/schema/index.ts";

/**
 * The condition "the viewer may see this item" (the same rule as canView in items.ts) as SQL
 * text over an `items` alias with a `@viewer` named parameter, so listings and search filter in
 * the database rather than loading every row. Deleted and removed items never match; pass -1 for anonymous.
 * `viewer` may instead name a column, to ask the question for many people in one query.
 */
export function visibleItemSql(alias = "i", viewer = "@viewer"): string {
  return `(${alias}.deleted_at IS NULL AND ${alias}.removed_at IS NULL
    AND (${alias}.status = 'published' OR ${alias}.author_id = ${viewer})
    AND (${alias}.visibility = 'public' OR ${alias}.author_id = ${viewer} OR EXISTS (
      SELECT 1 FROM item_groups vg JOIN memberships vm ON vm.group_id = vg.group_id
      WHERE vg.item_id = ${alias}.id AND vm.member_id = ${viewer} AND vm.state = 'active')))`;
}

/** The viewer id as the SQL parameter expects it (anonymous visitors match no one). */
export function viewerParam(viewerId: number | null | undefined): number {
  return viewerId ?? -1;
}

/** Drizzle's condition for items neither deleted nor removed by a facilitator (for listings). */
export function isLiveItem(): SQL {
  return and(isNull(items.deletedAt), isNull(items.removedAt))!;
}
