import type { Db } from "../db/client.ts";
import type { ItemKind } from "./items.ts";
import { viewerParam, visibleItemSql } from "./visible-items.ts";

// "What's happening now": the newest activity across every community the viewer may see. It is
// read from two append-only sources, new items (topics, replies, blog entries and comments, wiki
// pages, events, documents, polls) and wiki edits (revisions after the first), whose ids only
// grow. A reader's position is therefore a pair of ids, the newest item and the newest revision
// already shown, which is what the page hands to the live stream and what Last-Event-ID resumes.
// Every query here filters with visibleItemSql, the same rule as canView, so the page, the live
// stream and a resumed stream can never show a private community's content to a non-member.

/** How far a reader has got: every item and wiki revision up to these ids has been shown. */
export interface LiveCursor {
  item: number;
  revision: number;
}

/** A person or community in an entry, with just what a link to it needs. */
export interface LiveActor {
  name: string;
  handle: string;
  host: string;
  isLocal: boolean;
  url: string | null;
}

/** One line of the live stream: something new, who did it, where and when. */
export interface LiveEntry {
  /** Unique among entries, e.g. `item-12` or `revision-7`; usable as an HTML id. */
  key: string;
  /** A new item, or an edit of a wiki page. */
  action: "created" | "edited";
  kind: ItemKind;
  itemId: number;
  rootId: number;
  /** The kind of the thread's first item (the item's own kind when it starts a thread). */
  rootKind: ItemKind;
  /** The item's title; for replies and comments, the title of what they answer. */
  title: string;
  author: LiveActor;
  /** The community it happened in (one the viewer belongs to, when there are several). */
  group: LiveActor;
  /** When it happened, as its author's server tells it. */
  at: Date;
  /** The reader's position once this entry has been shown. */
  cursor: LiveCursor;
}

/** The entries a page shows, newest first, and the position the live stream continues from. */
export interface LiveSnapshot {
  entries: LiveEntry[];
  cursor: LiveCursor;
}

/** The most entries one query returns, whatever a caller asks for. */
const MAX_LIMIT = 200;

/** A cursor as text for an SSE event id or a URL: `<item>-<revision>`. */
export function formatCursor(cursor: LiveCursor): string {
  return `${cursor.item}-${cursor.revision}`;
}

/** Reads a cursor written by formatCursor; null for anything else (a forged or stale header). */
export function parseCursor(text: string | null | undefined): LiveCursor | null {
  const match = /^(\d{1,15})-(\d{1,15})$/.exec(text?.trim() ?? "");
  if (!match) return null;
  return { item: Number(match[1]), revision: Number(match[2]) };
}

/** Whether two cursors name the same position. */
export function sameCursor(a: LiveCursor, b: LiveCursor): boolean {
  return a.item === b.item && a.revision === b.revision;
}

/** The newest position on the instance: the highest item and wiki revision ids (two index look-ups). */
export function currentCursor(db: Db): LiveCursor {
  return db.$client
    .prepare(
      `SELECT (SELECT COALESCE(MAX(id), 0) FROM items) AS item,
              (SELECT COALESCE(MAX(id), 0) FROM wiki_revisions) AS revision`,
    )
    .get() as LiveCursor;
}

/** The latest `limit` entries the viewer may see, newest first, with where the stream goes on. */
export function latestActivity(
  db: Db,
  viewerId: number | null | undefined,
  limit = 50,
): LiveSnapshot {
  // The bound is read first so that anything stored while the page is drawn is above it and
  // reaches the reader through the stream rather than falling between the two.
  const cursor = currentCursor(db);
  const rows = readRows(db, viewerId, { item: 0, revision: 0 }, cursor, limit);
  const entries = mergeNewestFirst(rows.items, rows.revisions).slice(0, clampLimit(limit));
  return { entries: entries.map((row) => toEntry(row, cursor)), cursor };
}

/**
 * What the viewer may see after a position, up to `upTo`, oldest first (the order a live
 * stream sends them), each carrying the position after it. When more than `limit` happened
 * only the newest `limit` are returned: a reader far behind gets the latest, not a backlog.
 */
export function activityAfter(
  db: Db,
  viewerId: number | null | undefined,
  after: LiveCursor,
  upTo: LiveCursor,
  limit = 50,
): LiveEntry[] {
  const rows = readRows(db, viewerId, after, upTo, limit);
  const ordered = mergeNewestFirst(rows.items, rows.revisions).slice(0, clampLimit(limit));
  ordered.reverse();
  // Within each source the rows are in id order, so "everything up to the largest id sent so
  // far" is exactly what has been sent: the position after each entry is a running maximum.
  let position = { ...after };
  return ordered.map((row) => {
    position =
      row.source === "item"
        ? { item: Math.max(position.item, row.id), revision: position.revision }
        : { item: position.item, revision: Math.max(position.revision, row.id) };
    return toEntry(row, position);
  });
}

/** A row as read from either source, before it becomes an entry. */
interface Row {
  source: "item" | "revision";
  id: number;
  itemId: number;
  kind: ItemKind;
  rootId: number | null;
  rootKind: ItemKind | null;
  title: string;
  rootTitle: string | null;
  at: number;
  /** When it was stored here, which orders the two sources against each other. */
  storedAt: number;
  authorName: string;
  authorHandle: string;
  authorHost: string;
  authorLocal: number;
  authorUrl: string | null;
  groupName: string;
  groupHandle: string;
  groupHost: string;
  groupLocal: number;
  groupUrl: string | null;
}

function clampLimit(limit: number): number {
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

const ACTOR_COLUMNS = `a.name AS authorName, a.handle AS authorHandle, a.host AS authorHost,
  a.is_local AS authorLocal, a.url AS authorUrl, g.name AS groupName, g.handle AS groupHandle,
  g.host AS groupHost, g.is_local AS groupLocal, g.url AS groupUrl`;

/**
 * The newest `limit` visible rows of each source between two positions, newest first. Both
 * walk their primary key backwards and stop at the limit, so the cost does not grow with the
 * size of the instance. Drafts are left out even for their authors: they have not happened.
 * Blog entries kept out of every community have no group and are not part of the stream.
 */
function readRows(
  db: Db,
  viewerId: number | null | undefined,
  after: LiveCursor,
  upTo: LiveCursor,
  limit: number,
): { items: Row[]; revisions: Row[] } {
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
    .all(params) as Row[];
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
    .all(params) as Row[];
  return { items, revisions };
}

/**
 * Interleaves two newest-first lists by when each row was stored, keeping each list's own
 * order (a merge, not a sort), which activityAfter's running positions rely on.
 */
function mergeNewestFirst(a: Row[], b: Row[]): Row[] {
  const out: Row[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || x.storedAt >= y.storedAt)) {
      out.push(x);
      i++;
    } else if (y) {
      out.push(y);
      j++;
    }
  }
  return out;
}

function toEntry(row: Row, cursor: LiveCursor): LiveEntry {
  const isAnswer = row.source === "item" && row.rootId !== null && row.rootId !== row.id;
  return {
    key: `${row.source}-${row.id}`,
    action: row.source === "item" ? "created" : "edited",
    kind: row.kind,
    itemId: row.itemId,
    rootId: row.rootId ?? row.itemId,
    rootKind: row.rootKind ?? row.kind,
    title: isAnswer ? (row.rootTitle ?? "") : row.title,
    author: {
      name: row.authorName,
      handle: row.authorHandle,
      host: row.authorHost,
      isLocal: row.authorLocal === 1,
      url: row.authorUrl,
    },
    group: {
      name: row.groupName,
      handle: row.groupHandle,
      host: row.groupHost,
      isLocal: row.groupLocal === 1,
      url: row.groupUrl,
    },
    at: new Date(row.at),
    cursor,
  };
}
