import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";

/** RSS/Atom feeds a community is subscribed to. */
export const newsFeeds = sqliteTable(
  "news_feeds",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    groupId: integer("group_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    title: text("title").notNull().default(""),
    siteUrl: text("site_url"),
    etag: text("etag"),
    lastModified: text("last_modified"),
    lastFetchedAt: integer("last_fetched_at"),
    nextFetchAt: integer("next_fetch_at").notNull(),
    /** Consecutive failed refreshes; reset by a good one. */
    failures: integer("failures").notNull().default(0),
    lastError: text("last_error"),
    /** Set when failures pass the threshold, so the facilitator is told. */
    flaggedAt: integer("flagged_at"),
    addedById: integer("added_by_id").references(() => actors.id, { onDelete: "set null" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex("news_feeds_group_url_idx").on(t.groupId, t.url),
    index("news_feeds_due_idx").on(t.nextFetchAt),
  ],
);

/** Entries read from news feeds; deduplicated by guid (or link) within a feed. */
export const newsEntries = sqliteTable(
  "news_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    feedId: integer("feed_id")
      .notNull()
      .references(() => newsFeeds.id, { onDelete: "cascade" }),
    guid: text("guid").notNull(),
    link: text("link"),
    title: text("title").notNull(),
    /** Sanitized HTML. */
    summaryHtml: text("summary_html").notNull().default(""),
    author: text("author"),
    publishedAt: integer("published_at").notNull(),
    fetchedAt: integer("fetched_at").notNull(),
  },
  (t) => [
    uniqueIndex("news_entries_feed_guid_idx").on(t.feedId, t.guid),
    index("news_entries_published_idx").on(t.publishedAt),
  ],
);
