import { type SQL, sql } from "drizzle-orm";

// Every figure is computed either for one local community or for all of them together (the
// instance view). A scope turns that choice into the SQL that picks the community groups, so
// each query is written once and serves both pages.

/** Which communities a figure covers: one local community (its Group actor) or all local ones. */
export type MetricsScope = { kind: "community"; groupId: number } | { kind: "instance" };

/** A day in milliseconds. */
export const DAY_MS = 86_400_000;

/** A week in milliseconds. */
export const WEEK_MS = 7 * DAY_MS;

/** The scope of one local community. */
export function communityScope(groupId: number): MetricsScope {
  return { kind: "community", groupId };
}

/** The scope of every community hosted on this instance. */
export const INSTANCE_SCOPE: MetricsScope = { kind: "instance" };

/** A parenthesised SQL list of the scope's group ids, for `group_id IN ...`. */
export function scopeGroups(scope: MetricsScope): SQL {
  return scope.kind === "community"
    ? sql`(${scope.groupId})`
    : sql`(SELECT actor_id FROM communities)`;
}

/**
 * The ids of the live, published items of the scope, once each even when an item is published
 * into several communities of the instance. Used as a common table expression named `scoped`.
 */
export function scopedItems(scope: MetricsScope): SQL {
  return sql`scoped AS (
    SELECT i.* FROM items i
    WHERE i.id IN (SELECT item_id FROM item_groups WHERE group_id IN ${scopeGroups(scope)})
      AND i.deleted_at IS NULL AND i.status = 'published'
  )`;
}

/** The ids of the scope's active members, once each, as a common table expression `members`. */
export function scopedMembers(scope: MetricsScope): SQL {
  return sql`members AS (
    SELECT DISTINCT member_id AS id FROM memberships
    WHERE state = 'active' AND group_id IN ${scopeGroups(scope)}
  )`;
}
