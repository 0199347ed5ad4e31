import type { Db } from "../../db/client.ts";
import { formatEventTimes } from "../events/times.ts";
import { itemPlacePath } from "../item-links.ts";
import type { ItemKind } from "../items.ts";
import { viewerParam, visibleItemSql } from "../visible-items.ts";
import { absolute, escapeHtml, FEED_SIZE, type FeedEntry } from "./feed-data.ts";

// Turns items (topics, entries, events, documents, polls, replies...) into feed entries. Every
// query here goes through visibleItemSql, the same rule the pages use, so a feed never shows
// an item its viewer could not open.

/** An item with what its entry needs: author, first community and the kind its thread starts with. */
interface ItemFeedRow {
  id: number;
  iri: string;
  kind: ItemKind;
  title: string;
  summary: string;
  bodyHtml: string;
  url: string | null;
  rootId: number | null;
  rootKind: ItemKind;
  rootTitle: string;
  publishedAt: number;
  updatedAt: number;
  authorName: string;
  authorHandle: string;
  authorIsLocal: number;
  groupHandle: string | null;
  groupHost: string | null;
  groupIsLocal: number | null;
}

/** What to pick: an SQL condition over the `i` alias (written by this module's callers, never from input). */
export interface ItemSelection {
  where: string;
  params?: Record<string, unknown>;
  viewerId: number | null;
  /** The community whose pages links should point into, when an item is in several. */
  preferGroupId?: number;
  limit?: number;
}

const KIND_NAMES: Record<string, string> = {
  topic: "Forum topic",
  reply: "Reply",
  entry: "Blog entry",
  wiki: "Wiki page",
  event: "Event",
  document: "Document",
  poll: "Poll",
};

/** The visible items a condition picks, newest first, as feed entries. */
export function itemEntries(db: Db, origin: string, selection: ItemSelection): FeedEntry[] {
  const rows = db.$client
    .prepare(
      `SELECT i.id, i.iri, i.kind, i.title, i.summary, i.body_html AS bodyHtml, i.url,
         i.root_id AS rootId, COALESCE(r.kind, i.kind) AS rootKind, COALESCE(r.title, '') AS rootTitle,
         i.published_at AS publishedAt, i.updated_at AS updatedAt,
         a.name AS authorName, a.handle AS authorHandle, a.is_local AS authorIsLocal,
         g.handle AS groupHandle, g.host AS groupHost, g.is_local AS groupIsLocal
       FROM items i
       JOIN actors a ON a.id = i.author_id
       LEFT JOIN items r ON r.id = i.root_id
       LEFT JOIN actors g ON g.id = (SELECT ig.group_id FROM item_groups ig WHERE ig.item_id = i.id
         ORDER BY ig.group_id = @prefer DESC, ig.group_id LIMIT 1)
       WHERE ${visibleItemSql("i")} AND i.status = 'published' AND (${selection.where})
       ORDER BY i.published_at DESC, i.id DESC LIMIT @limit`,
    )
    .all({
      ...selection.params,
      viewer: viewerParam(selection.viewerId),
      prefer: selection.preferGroupId ?? -1,
      limit: selection.limit ?? FEED_SIZE,
    }) as ItemFeedRow[];
  return rows.map((row) => ({
    id: row.iri,
    title: entryTitle(row),
    link: itemLink(origin, row),
    published: new Date(row.publishedAt),
    updated: new Date(Math.max(row.updatedAt, row.publishedAt)),
    authorName: row.authorName || row.authorHandle,
    contentHtml: `${details(db, row)}${row.bodyHtml}`,
  }));
}

/** A title for every entry: replies have none of their own, so they borrow their thread's. */
function entryTitle(row: ItemFeedRow): string {
  if (row.title) return row.title;
  if (row.kind === "reply" && row.rootTitle) return `Re: ${row.rootTitle}`;
  return KIND_NAMES[row.kind] ?? "Item";
}

/** Where an item is read on the web: its page in its community, or its author's blog. */
function itemLink(origin: string, row: ItemFeedRow): string {
  const group =
    row.groupHandle && row.groupHost
      ? { handle: row.groupHandle, host: row.groupHost, isLocal: row.groupIsLocal === 1 }
      : null;
  const path = itemPlacePath({
    item: row,
    rootKind: row.rootKind,
    group,
    // The row's author is the thread's first author only when the row starts the thread.
    rootAuthor:
      row.kind === "entry" ? { handle: row.authorHandle, isLocal: row.authorIsLocal === 1 } : null,
  });
  if (path) return absolute(origin, path);
  // An item in no community here (a remote author's blog entry): its home page.
  return safeHttpUrl(row.url) ?? safeHttpUrl(row.iri) ?? origin;
}

/** An http(s) address, or null: feed readers must never be handed another scheme. */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Facts an event, document or poll carries besides its body, as escaped HTML. */
function details(db: Db, row: ItemFeedRow): string {
  const lines: string[] = [];
  if (row.summary && row.kind === "entry") lines.push(`<p>${escapeHtml(row.summary)}</p>`);
  if (row.kind === "event") {
    const event = db.$client
      .prepare(
        `SELECT starts_at AS startsAt, ends_at AS endsAt, timezone, location_name AS locationName
         FROM events WHERE item_id = ?`,
      )
      .get(row.id) as
      | { startsAt: number; endsAt: number; timezone: string; locationName: string }
      | undefined;
    if (event) {
      const when = formatEventTimes(
        new Date(event.startsAt),
        new Date(event.endsAt),
        event.timezone,
      );
      lines.push(`<p>When: ${escapeHtml(when)}</p>`);
      if (event.locationName) lines.push(`<p>Where: ${escapeHtml(event.locationName)}</p>`);
    }
  }
  if (row.kind === "document") {
    const doc = db.$client
      .prepare("SELECT file_name AS fileName FROM documents WHERE item_id = ?")
      .get(row.id) as { fileName: string } | undefined;
    if (doc) lines.push(`<p>File: ${escapeHtml(doc.fileName)}</p>`);
  }
  if (row.kind === "poll") lines.push(pollDetails(db, row.id));
  return lines.join("");
}

/** A poll's options and closing time; the tables are read directly to stay apart from the polls code. */
function pollDetails(db: Db, itemId: number): string {
  const options = db.$client
    .prepare("SELECT name FROM poll_options WHERE item_id = ? ORDER BY position, id")
    .all(itemId) as { name: string }[];
  const poll = db.$client
    .prepare("SELECT ends_at AS endsAt, multiple FROM polls WHERE item_id = ?")
    .get(itemId) as { endsAt: number; multiple: number } | undefined;
  const list = options.map((o) => `<li>${escapeHtml(o.name)}</li>`).join("");
  const how = poll?.multiple ? "Choose one or more:" : "Choose one:";
  const closes = poll
    ? `<p>Voting closes ${escapeHtml(new Date(poll.endsAt).toUTCString())}.</p>`
    : "";
  return `${options.length > 0 ? `<p>${how}</p><ul>${list}</ul>` : ""}${closes}`;
}
