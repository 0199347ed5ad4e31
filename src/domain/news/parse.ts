import { createHash } from "node:crypto";
import type Parser from "rss-parser";
import { cleanHtml, htmlToPlainText } from "../html.ts";
import { FeedError } from "./errors.ts";

/** One entry read from a feed, cleaned and ready to store. */
export interface ParsedEntry {
  /** The key entries are deduplicated by: the guid, else the link, else a hash. */
  guid: string;
  link: string | null;
  title: string;
  /** Sanitized HTML. */
  summaryHtml: string;
  author: string | null;
  publishedAt: number;
}

/** A feed's title, site and entries, as read from its XML. */
export interface ParsedFeed {
  title: string;
  siteUrl: string | null;
  entries: ParsedEntry[];
}

// Limits that keep one feed from filling the database: a feed listing thousands of entries
// gives only its newest, and a full article in a summary is cut down to an excerpt.
const MAX_ENTRIES = 200;
const MAX_TITLE = 300;
const MAX_KEY = 500;
const MAX_SUMMARY_HTML = 4000;
const EXCERPT_CHARS = 600;

type RawItem = Record<string, unknown>;

/**
 * rss-parser throws on an Atom entry whose published or updated date cannot be read (it calls
 * toISOString() on an invalid Date), which would reject the whole feed for one bad date. This
 * drops such dates first, so the entry is dated when it was fetched instead.
 */
function lenientParser(Base: typeof Parser) {
  return class LenientParser extends Base {
    parseItemAtom(entry: Record<string, unknown>): unknown {
      for (const key of ["published", "updated"]) {
        if (key in entry && Number.isNaN(Date.parse(text(entry[key])))) delete entry[key];
      }
      return (
        Base.prototype as unknown as { parseItemAtom(entry: unknown): unknown }
      ).parseItemAtom.call(this, entry);
    }
  };
}

// rss-parser and the XML libraries under it are loaded when a feed is first read, not at start.
let parserClass: Promise<ReturnType<typeof lenientParser>> | undefined;

/**
 * Reads an RSS or Atom document. Links are made absolute against the feed's URL, HTML is
 * sanitized, and an entry with no usable date is dated `now` (as are entries dated in the
 * future, which would otherwise stay on top of the News page for ever).
 */
export async function parseFeed(xml: string, feedUrl: string, now: number): Promise<ParsedFeed> {
  let feed: Awaited<ReturnType<Parser["parseString"]>>;
  parserClass ??= import("rss-parser").then((module) => lenientParser(module.default));
  const LenientParser = await parserClass;
  try {
    // A parser per call: rss-parser keeps one xml2js parser per instance.
    feed = await new LenientParser().parseString(xml);
  } catch {
    throw new FeedError(
      "This address does not lead to an RSS or Atom feed. Check it is the feed's address, not the website's.",
    );
  }
  const items = (feed.items ?? []) as RawItem[];
  const entries = items
    .map((item) => toEntry(item, feedUrl, now))
    .sort((a, b) => b.publishedAt - a.publishedAt)
    .slice(0, MAX_ENTRIES);
  const siteUrl = absoluteHttpUrl(text(feed.link), feedUrl);
  return {
    title: clip(oneLine(text(feed.title)), MAX_TITLE) || new URL(feedUrl).host,
    siteUrl,
    entries,
  };
}

function toEntry(item: RawItem, feedUrl: string, now: number): ParsedEntry {
  const link = absoluteHttpUrl(text(item.link), feedUrl);
  const rawDate = text(item.isoDate) || text(item.pubDate) || text(item.date);
  const publishedAt = parseDate(rawDate, now);
  const html = firstNonEmpty(text(item.summary), text(item.content), text(item["content:encoded"]));
  const summaryHtml = summarize(html, feedUrl);
  const title =
    clip(oneLine(htmlToPlainText(cleanHtml(text(item.title)))), MAX_TITLE) ||
    clip(oneLine(htmlToPlainText(summaryHtml)), 80) ||
    "Untitled";
  const guid = text(item.guid) || text(item.id) || link || hashKey(`${title}\n${rawDate}`);
  return {
    guid: guid.length > MAX_KEY ? hashKey(guid) : guid,
    link,
    title,
    summaryHtml,
    author: clip(oneLine(text(item.creator) || text(item.author)), 200) || null,
    publishedAt,
  };
}

/** Sanitized summary HTML; a whole article is cut down to a plain-text excerpt. */
function summarize(html: string, baseUrl: string): string {
  if (!html) return "";
  const clean = cleanHtml(html, baseUrl).trim();
  if (clean.length <= MAX_SUMMARY_HTML) return clean;
  const plain = htmlToPlainText(clean).replace(/\s+/g, " ");
  const excerpt = plain.length > EXCERPT_CHARS ? `${plain.slice(0, EXCERPT_CHARS).trim()}…` : plain;
  return `<p>${escapeHtml(excerpt)}</p>`;
}

/** A date as milliseconds, or `now` when it is missing, unreadable or in the future. */
export function parseDate(value: string, now: number): number {
  if (!value) return now;
  const parsed = Date.parse(value.trim());
  if (Number.isNaN(parsed)) return now;
  return Math.min(parsed, now);
}

/** Strings from rss-parser may come as objects (`{ _: text, $: attributes }`) or arrays. */
function text(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return text(value[0]);
  if (value && typeof value === "object" && "_" in value) return text((value as { _: unknown })._);
  return "";
}

function firstNonEmpty(...values: string[]): string {
  return values.find((v) => v.length > 0) ?? "";
}

function absoluteHttpUrl(value: string, base: string): string | null {
  if (!value) return null;
  try {
    const url = new URL(value, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

function clip(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1).trim()}…` : value;
}

function hashKey(value: string): string {
  return `sha256:${createHash("sha256").update(value).digest("hex")}`;
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
