import type { Db } from "../../db/client.ts";
import type { ItemKind } from "../items.ts";
import { currentCursor, type LiveCursor, START_CURSOR } from "./cursor.ts";
import { clampLimit, type Row, readRows } from "./rows.ts";

// "What's happening now": the newest activity across every community the viewer may see. It is
// read from three sources: new items (topics, replies, blog entries and comments, wiki pages,
// events, documents, polls), wiki edits (revisions after the first) and people joining
// communities. A reader's position (live/cursor.ts) says how far it has got in each, which is
// what the page hands to the live stream and what Last-Event-ID resumes. Every query filters for
// the viewer in the database (live/rows.ts), so the page, the live stream and a resumed stream
// can never show a private community's content, or who joined it, to a non-member.

/** A person or community in an entry, with just what a link to it needs. */
export interface LiveActor {
  /** The actor's id, which finds a person's picture. */
  id: number;
  name: string;
  handle: string;
  host: string;
  isLocal: boolean;
  url: string | null;
}

/** What every line of the live stream has: who did what, where and when. */
interface LiveEntryBase {
  /** Unique among entries, e.g. `item-12`, `revision-7` or `join-3-<time>`; usable as an HTML id. */
  key: string;
  /** Who did it: the author, the editor, or the person who joined. */
  author: LiveActor;
  /** The community it happened in (one the viewer belongs to, when there are several). */
  group: LiveActor;
  /** When it happened: as its author's server tells it, or when a member was let in. */
  at: Date;
  /** The reader's position once this entry has been shown. */
  cursor: LiveCursor;
}

/** A new item, or an edit of a wiki page. */
export interface LiveItemEntry extends LiveEntryBase {
  action: "created" | "edited";
  kind: ItemKind;
  itemId: number;
  rootId: number;
  /** The kind of the thread's first item (the item's own kind when it starts a thread). */
  rootKind: ItemKind;
  /** The item's title; for replies and comments, the title of what they answer. */
  title: string;
}

/** Someone became an active member of a community hosted here. */
export interface LiveJoinEntry extends LiveEntryBase {
  action: "joined";
}

/** One line of the live stream. */
export type LiveEntry = LiveItemEntry | LiveJoinEntry;

/** The entries a page shows, newest first, and the position the live stream continues from. */
export interface LiveSnapshot {
  entries: LiveEntry[];
  cursor: LiveCursor;
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
  const rows = readRows(db, viewerId, START_CURSOR, cursor, limit);
  const entries = mergeNewestFirst(rows).slice(0, clampLimit(limit));
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
  const ordered = mergeNewestFirst(readRows(db, viewerId, after, upTo, limit));
  const sent = ordered.slice(0, clampLimit(limit)).reverse();
  // Within each source the rows come in the order of that source's position (ids, or the time
  // a member joined and then the membership id), so "everything up to the last one sent" is
  // exactly what has been sent: the position after each entry moves on in its own source only.
  let position = { ...after };
  return sent.map((row) => {
    position = advance(position, row);
    return toEntry(row, position);
  });
}

/** The position once a row has been sent, from the position before it. */
function advance(position: LiveCursor, row: Row): LiveCursor {
  switch (row.source) {
    case "item":
      return { ...position, item: Math.max(position.item, row.id) };
    case "revision":
      return { ...position, revision: Math.max(position.revision, row.id) };
    case "join":
      return { ...position, joinAt: row.storedAt, joinId: row.id };
  }
}

/**
 * Interleaves the sources' newest-first lists by when each row was stored, keeping each list's
 * own order (a merge, not a sort), which activityAfter's running positions rely on.
 */
function mergeNewestFirst(rows: ReturnType<typeof readRows>): Row[] {
  return mergeTwo(mergeTwo(rows.item, rows.revision), rows.join);
}

/** Merges two lists that are each newest first by storedAt into one. */
function mergeTwo(a: readonly Row[], b: readonly Row[]): Row[] {
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

/** An actor of an entry from a row's columns. */
function actor(
  id: number,
  name: string,
  handle: string,
  host: string,
  local: number,
  url: string | null,
): LiveActor {
  return { id, name, handle, host, isLocal: local === 1, url };
}

/** A row as the entry the page and the stream show, with the position after it. */
function toEntry(row: Row, cursor: LiveCursor): LiveEntry {
  const base = {
    author: actor(
      row.authorId,
      row.authorName,
      row.authorHandle,
      row.authorHost,
      row.authorLocal,
      row.authorUrl,
    ),
    group: actor(
      row.groupId,
      row.groupName,
      row.groupHandle,
      row.groupHost,
      row.groupLocal,
      row.groupUrl,
    ),
    at: new Date(row.at),
    cursor,
  };
  if (row.source === "join") {
    // A membership can be let in again after a refusal, so the time keeps its key unique.
    return { ...base, key: `join-${row.id}-${row.storedAt}`, action: "joined" };
  }
  const isAnswer = row.source === "item" && row.rootId !== null && row.rootId !== row.id;
  return {
    ...base,
    key: `${row.source}-${row.id}`,
    action: row.source === "item" ? "created" : "edited",
    kind: row.kind,
    itemId: row.itemId,
    rootId: row.rootId ?? row.itemId,
    rootKind: row.rootKind ?? row.kind,
    title: isAnswer ? (row.rootTitle ?? "") : row.title,
  };
}
