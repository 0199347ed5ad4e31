import type { Db } from "../../db/client.ts";

// A reader's position in the live stream. The stream is read from three sources: new items and
// wiki edits, whose ids only grow, and people joining communities, whose membership rows are
// created long before they become active (a private community's request waits for a
// facilitator) and are sometimes reused, so their ids say nothing about when they joined. Joins
// are therefore placed by the time they became active, with the membership id breaking ties
// within a millisecond. The upper bound never includes the current millisecond, so once a
// position has been handed out no join can still appear at or before it: resuming is exact.

/** How far a reader has got: everything up to each of these has been shown. */
export interface LiveCursor {
  /** The highest item id shown. */
  item: number;
  /** The highest wiki revision id shown. */
  revision: number;
  /** When the last join shown became active (epoch ms)... */
  joinAt: number;
  /** ...and, among joins at that millisecond, the highest membership id shown. */
  joinId: number;
}

/** The position before anything happened. */
export const START_CURSOR: LiveCursor = { item: 0, revision: 0, joinAt: 0, joinId: 0 };

/**
 * When a membership became active: when it was decided, or, for rows stored active without a
 * decision time, when it was stored. `m` is the memberships alias. It is written exactly as the
 * memberships_active_since_idx expression (a CASE, because drizzle-kit splits an index
 * expression at commas), so SQLite walks that index instead of scanning every membership.
 */
export const ACTIVE_SINCE_SQL =
  "CASE WHEN m.decided_at IS NULL THEN m.created_at ELSE m.decided_at END";

/** A cursor as text for an SSE event id or a URL: `<item>-<revision>-<joinAt>-<joinId>`. */
export function formatCursor(cursor: LiveCursor): string {
  return `${cursor.item}-${cursor.revision}-${cursor.joinAt}-${cursor.joinId}`;
}

/** A position read from text; `joinAt` and `joinId` are missing from ids written before joins. */
export type ParsedCursor = Pick<LiveCursor, "item" | "revision"> & Partial<LiveCursor>;

/**
 * Reads a cursor written by formatCursor, or an older `<item>-<revision>` one; null for anything
 * else (a forged or stale header).
 */
export function parseCursor(text: string | null | undefined): ParsedCursor | null {
  const match = /^(\d{1,15})-(\d{1,15})(?:-(\d{1,15})-(\d{1,15}))?$/.exec(text?.trim() ?? "");
  if (!match) return null;
  const [, item, revision, joinAt, joinId] = match;
  if (joinAt === undefined || joinId === undefined) {
    return { item: Number(item), revision: Number(revision) };
  }
  return {
    item: Number(item),
    revision: Number(revision),
    joinAt: Number(joinAt),
    joinId: Number(joinId),
  };
}

/**
 * A position from text, completed from the database when it predates joins: such a reader has
 * seen every item and revision up to its ids, so it goes on with the joins that became active
 * after the newer of those two was stored. Null when the text is not a position.
 */
export function readCursor(db: Db, text: string | null | undefined): LiveCursor | null {
  const parsed = parseCursor(text);
  if (!parsed) return null;
  if (parsed.joinAt !== undefined && parsed.joinId !== undefined) return parsed as LiveCursor;
  const row = db.$client
    .prepare(
      `SELECT MAX(COALESCE((SELECT created_at FROM items WHERE id = @item), 0),
                  COALESCE((SELECT created_at FROM wiki_revisions WHERE id = @revision), 0)) AS at`,
    )
    .get({ item: parsed.item, revision: parsed.revision }) as { at: number };
  return { item: parsed.item, revision: parsed.revision, joinAt: row.at, joinId: 0 };
}

/** Whether two cursors name the same position. */
export function sameCursor(a: LiveCursor, b: LiveCursor): boolean {
  return (
    a.item === b.item && a.revision === b.revision && a.joinAt === b.joinAt && a.joinId === b.joinId
  );
}

/**
 * The newest position on the instance: the highest item, wiki revision and membership ids, and
 * the latest time a membership became active, but never `now`'s millisecond itself (a join
 * stored later in it would otherwise fall behind a position already handed out). The ids are
 * index look-ups; the join time reads the memberships table, which is small next to the items.
 */
export function currentCursor(db: Db, now = Date.now()): LiveCursor {
  const row = db.$client
    .prepare(
      `SELECT (SELECT COALESCE(MAX(id), 0) FROM items) AS item,
              (SELECT COALESCE(MAX(id), 0) FROM wiki_revisions) AS revision,
              (SELECT COALESCE(MAX(${ACTIVE_SINCE_SQL}), 0) FROM memberships m
                WHERE m.state = 'active') AS joinAt,
              (SELECT COALESCE(MAX(id), 0) FROM memberships) AS joinId`,
    )
    .get() as LiveCursor;
  return { ...row, joinAt: Math.min(row.joinAt, now - 1) };
}

/**
 * The further of two positions, source by source. A stream moves on to this rather than to the
 * instance's current position alone, because that can step back (the newest member leaving takes
 * the latest join time with them) and a position that stepped back would send joins again.
 */
export function furthest(a: LiveCursor, b: LiveCursor): LiveCursor {
  const joinA = a.joinAt > b.joinAt || (a.joinAt === b.joinAt && a.joinId >= b.joinId);
  return {
    item: Math.max(a.item, b.item),
    revision: Math.max(a.revision, b.revision),
    joinAt: joinA ? a.joinAt : b.joinAt,
    joinId: joinA ? a.joinId : b.joinId,
  };
}
