// What an outgoing RSS or Atom feed says, independent of the format it is written in. The
// domain builds these from what the viewer may see; the web layer turns them into XML.

/** One entry of a feed; every link is absolute and `contentHtml` is already sanitized. */
export interface FeedEntry {
  /** A stable, absolute id (an item's ActivityPub id, or a page address with a fragment). */
  id: string;
  /** Plain text, not HTML. */
  title: string;
  link: string;
  published: Date;
  updated: Date;
  authorName: string;
  /** Safe HTML: item bodies are sanitized when stored, and added text is escaped here. */
  contentHtml: string;
}

/** A whole feed: what it is about, where its page is, and its newest entries first. */
export interface FeedData {
  /** A stable, absolute id for the feed (its page's address). */
  id: string;
  title: string;
  description: string;
  /** The HTML page the feed mirrors. */
  link: string;
  /** The newest entry's date, so an unchanged feed is written identically every time. */
  updated: Date;
  entries: FeedEntry[];
}

/** How many entries a feed carries: enough for a reader polling a few times a day. */
export const FEED_SIZE = 30;

/** Assembles a feed, dating it from its newest entry (or `fallback` when it has none). */
export function feedOf(
  head: Omit<FeedData, "updated" | "entries">,
  entries: FeedEntry[],
  fallback: Date,
): FeedData {
  const newest = entries.reduce<number>((max, e) => Math.max(max, e.updated.getTime()), 0);
  return { ...head, updated: new Date(newest || fallback.getTime()), entries };
}

/** An absolute address on this instance. */
export function absolute(origin: string, path: string): string {
  return new URL(path, origin).href;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes plain text for use inside the HTML of an entry. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}
