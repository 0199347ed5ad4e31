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
 * Whether the item with this id is published into the scope, as one probe of item_groups'
 * primary key per item. Across the instance the unary plus makes SQLite read the item's few
 * groups and look each up in communities, rather than probe the item once per community.
 */
export function inScope(scope: MetricsScope, itemId: SQL): SQL {
  return scope.kind === "community"
    ? sql`EXISTS (SELECT 1 FROM item_groups g WHERE g.item_id = ${itemId} AND g.group_id = ${scope.groupId})`
    : sql`EXISTS (SELECT 1 FROM item_groups g
        WHERE g.item_id = ${itemId} AND +g.group_id IN (SELECT actor_id FROM communities))`;
}

/**
 * The live, published items of the scope published in [since, until), once each even when an
 * item is published into several communities of the instance, as a common table expression
 * named `scoped` (id, kind, author_id, root_id, published_at). Every figure looks at a recent
 * period, so the period comes first: it is a range of items_published_idx, which holds these
 * columns, and each item in it costs one probe of item_groups, however long the scope's history.
 */
export function scopedItems(scope: MetricsScope, since: number, until: number): SQL {
  return sql`scoped AS (
    SELECT i.id, i.kind, i.author_id, i.root_id, i.published_at FROM items i
    WHERE i.deleted_at IS NULL AND i.status = 'published'
      AND i.published_at >= ${since} AND i.published_at < ${until}
      AND ${inScope(scope, sql`i.id`)}
  )`;
}

/**
 * Edits of the scope's live wiki pages made in [since, until) (revisions after the first), as
 * rows (at, author) read from wiki_revisions_edits_idx.
 */
export function scopedWikiEdits(scope: MetricsScope, since: number, until: number): SQL {
  return sql`SELECT w.created_at AS at, w.author_id AS author
    FROM wiki_revisions w JOIN items p ON p.id = w.item_id
    WHERE w.number > 1 AND w.created_at >= ${since} AND w.created_at < ${until}
      AND p.deleted_at IS NULL AND ${inScope(scope, sql`p.id`)}`;
}

/** The ids of the scope's active members, once each, as a common table expression `members`. */
export function scopedMembers(scope: MetricsScope): SQL {
  return sql`members AS (
    SELECT DISTINCT member_id AS id FROM memberships
    WHERE state = 'active' AND group_id IN ${scopeGroups(scope)}
  )`;
}
