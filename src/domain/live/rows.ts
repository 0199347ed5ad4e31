import type { Db } from "../../db/client.ts";
import type { ItemKind } from "../items.ts";
import { viewerParam, visibleItemSql } from "../visible-items.ts";
import { ACTIVE_SINCE_SQL, type LiveCursor } from "./cursor.ts";

// The queries behind the live stream: the newest rows of each of its three sources (new items,
// wiki edits, people joining communities) between two positions, filtered for the viewer in the
// database. Items and edits use visibleItemSql, the same rule as canView; joins are shown for
// public communities hosted here, and for a private one only to its active members.

/** What a row of any source has: its id, its time, and who did it where. */
interface RowBase {
  /** The row's id in its own table (item, wiki revision or membership). */
  id: number;
  at: number;
  /** When it was stored here (or, for joins, became active), which orders the sources. */
  storedAt: number;
  authorId: number;
  authorName: string;
  authorHandle: string;
  authorHost: string;
  authorLocal: number;
  authorUrl: string | null;
  groupId: number;
  groupName: string;
  groupHandle: string;
  groupHost: string;
  groupLocal: number;
  groupUrl: string | null;
}

/** A new item or a wiki edit, before it becomes an entry. */
export interface ItemSourceRow extends RowBase {
  source: "item" | "revision";
  itemId: number;
  kind: ItemKind;
  rootId: number | null;
  rootKind: ItemKind | null;
  title: string;
  rootTitle: string | null;
}

/** Someone joining a community, before it becomes an entry (author = the new member). */
export interface JoinRow extends RowBase {
  source: "join";
}

/** A row as read from any source. */
export type Row = ItemSourceRow | JoinRow;

/** The most entries one query returns, whatever a caller asks for. */
const MAX_LIMIT = 200;

/** A requested number of entries, kept between 1 and MAX_LIMIT. */
export function clampLimit(limit: number): number {
  return Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit)));
}

/**
 * The community an entry is shown in: of the item's groups, one the viewer is an active member
 * of if any, else the first. A members-only item shared with several communities thus never
 * names a private one the viewer is not in; a public item's groups are all public anyway.
 */
const GROUP_OF_ITEM = `(SELECT ig.group_id FROM item_groups ig WHERE ig.item_id = i.id
  ORDER BY EXISTS (SELECT 1 FROM memberships gm WHERE gm.group_id = ig.group_id
    AND gm.member_id = @viewer AND gm.state = 'active') DESC, ig.group_id LIMIT 1)`;

const ACTOR_COLUMNS = `a.id AS authorId, g.id AS groupId, a.name AS authorName, a.handle AS authorHandle, a.host AS authorHost,
  a.is_local AS authorLocal, a.url AS authorUrl, g.name AS groupName, g.handle AS groupHandle,
  g.host AS groupHost, g.is_local AS groupLocal, g.url AS groupUrl`;

/**
 * The newest `limit` visible rows of each source between two positions, newest first within
 * each. Items and revisions walk their primary key backwards and stop at the limit, so their
 * cost does not grow with the size of the instance. Drafts are left out even for their authors:
 * they have not happened. Blog entries kept out of every community have no group and are not
 * part of the stream.
 */
export function readRows(
  db: Db,
  viewerId: number | null | undefined,
  after: LiveCursor,
  upTo: LiveCursor,
  limit: number,
): { item: ItemSourceRow[]; revision: ItemSourceRow[]; join: JoinRow[] } {
  const params = {
    viewer: viewerParam(viewerId),
    limit: clampLimit(limit),
    afterItem: after.item,
    upToItem: upTo.item,
    afterRevision: after.revision,
    upToRevision: upTo.revision,
  };
  const items = db.$client
    .prepare(
      `SELECT 'item' AS source, i.id, i.id AS itemId, i.kind, i.root_id AS rootId,
         r.kind AS rootKind, i.title, CASE WHEN r.deleted_at IS NULL THEN r.title END AS rootTitle,
         i.published_at AS at, i.created_at AS storedAt, ${ACTOR_COLUMNS}
       FROM items i
       JOIN actors a ON a.id = i.author_id
       JOIN actors g ON g.id = ${GROUP_OF_ITEM}
       LEFT JOIN items r ON r.id = i.root_id
       WHERE i.id > @afterItem AND i.id <= @upToItem AND i.status = 'published'
         AND ${visibleItemSql("i")}
       ORDER BY i.id DESC LIMIT @limit`,
    )
    .all(params) as ItemSourceRow[];
  const revisions = db.$client
    .prepare(
      `SELECT 'revision' AS source, w.id, i.id AS itemId, i.kind, i.root_id AS rootId,
         i.kind AS rootKind, w.title, NULL AS rootTitle, w.created_at AS at,
         w.created_at AS storedAt, ${ACTOR_COLUMNS}
       FROM wiki_revisions w
       JOIN items i ON i.id = w.item_id
       JOIN actors a ON a.id = w.author_id
       JOIN actors g ON g.id = ${GROUP_OF_ITEM}
       WHERE w.id > @afterRevision AND w.id <= @upToRevision AND w.number > 1
         AND i.status = 'published' AND ${visibleItemSql("i")}
       ORDER BY w.id DESC LIMIT @limit`,
    )
    .all(params) as ItemSourceRow[];
  return { item: items, revision: revisions, join: readJoins(db, params, after, upTo) };
}

/**
 * People who became active members of communities hosted here between two positions, newest
 * first. A community's founder is left out (they did not join, they started it), and so are
 * communities hosted elsewhere, whose visibility this instance cannot vouch for. A private
 * community's joins are shown to its own active members, who can see its member list anyway,
 * and to nobody else.
 */
function readJoins(
  db: Db,
  params: { viewer: number; limit: number },
  after: LiveCursor,
  upTo: LiveCursor,
): JoinRow[] {
  return db.$client
    .prepare(
      `SELECT 'join' AS source, m.id, ${ACTIVE_SINCE_SQL} AS at,
         ${ACTIVE_SINCE_SQL} AS storedAt, ${ACTOR_COLUMNS}
       FROM memberships m
       JOIN communities c ON c.actor_id = m.group_id
       JOIN actors a ON a.id = m.member_id
       JOIN actors g ON g.id = m.group_id
       WHERE m.state = 'active' AND m.member_id IS NOT c.created_by_id
         AND (${ACTIVE_SINCE_SQL} > @afterAt
           OR (${ACTIVE_SINCE_SQL} = @afterAt AND m.id > @afterId))
         AND (${ACTIVE_SINCE_SQL} < @upToAt
           OR (${ACTIVE_SINCE_SQL} = @upToAt AND m.id <= @upToId))
         AND (c.visibility = 'public' OR EXISTS (SELECT 1 FROM memberships vm
           WHERE vm.group_id = m.group_id AND vm.member_id = @viewer AND vm.state = 'active'))
       ORDER BY ${ACTIVE_SINCE_SQL} DESC, m.id DESC LIMIT @limit`,
    )
    .all({
      viewer: params.viewer,
      limit: params.limit,
      afterAt: after.joinAt,
      afterId: after.joinId,
      upToAt: upTo.joinAt,
      upToId: upTo.joinId,
    }) as JoinRow[];
}
