import { Feed } from "feed";
import type { FeedData } from "../domain/feeds/feed-data.ts";
import { escapeHtml } from "../domain/feeds/feed-data.ts";

/** The two formats every feed is offered in. */
export type FeedFormat = "rss" | "atom";

/** The media type each format is served with. */
export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
};

// Characters XML 1.0 forbids outright; one stray control character would make a reader reject
// the whole feed, so they are dropped from everything written.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text made safe for an XML document. */
function xmlText(text: string): string {
  return text.replace(NOT_XML, "");
}

/**
 * HTML made safe for a CDATA section: the writer escapes only the first "]]>", so every other
 * one is turned into the equivalent "]]&gt;" here, and no content can close the section early.
 */
function cdataHtml(html: string): string {
  return xmlText(html).replaceAll("]]>", "]]&gt;");
}

/**
 * Writes a feed as RSS 2.0 or Atom 1.0 with the `feed` package. Entry titles are escaped as
 * HTML because Atom marks them type="html" and many RSS readers read them as HTML too: a title
 * someone typed as "<b>" must show as those characters, never as markup.
 */
export function writeFeed(
  data: FeedData,
  format: FeedFormat,
  links: Record<FeedFormat, string>,
): string {
  const feed = new Feed({
    id: data.id,
    title: xmlText(data.title),
    description: xmlText(data.description),
    link: data.link,
    updated: data.updated,
    generator: "Copse",
    language: "en-GB",
    feedLinks: { rss: links.rss, atom: links.atom },
    // The feed's own address (with any token) is its Atom "self" link.
    feed: links[format],
  });
  for (const entry of data.entries) {
    const author = xmlText(entry.authorName);
    feed.addItem({
      id: entry.id,
      guid: entry.id,
      title: cdataHtml(escapeHtml(entry.title)),
      link: entry.link,
      date: entry.updated,
      published: entry.published,
      content: cdataHtml(entry.contentHtml),
      author: author ? [{ name: author }] : [],
    });
  }
  return format === "rss" ? feed.rss2() : feed.atom1();
}
