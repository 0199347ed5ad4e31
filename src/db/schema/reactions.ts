import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";
import { items } from "./content.ts";

/**
 * Up- and down-votes on posts, replies and comments: one per person and item. A `Like` (Lemmy,
 * Mastodon, Misskey's `EmojiReact`, a member here) is +1, a `Dislike` is -1; voting again
 * replaces the earlier vote and an `Undo` removes it. The activity's id is kept so that the
 * `Undo` of a remote vote, and of our own, can name it.
 */
export const votes = sqliteTable(
  "votes",
  {
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    actorId: integer("actor_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    value: integer("value").notNull(),
    /** The Like/Dislike/EmojiReact that made it (our own are under /ap/activities/). */
    activityIri: text("activity_iri").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.actorId] }),
    index("votes_activity_idx").on(t.activityIri),
    check("votes_value_sign", sql`${t.value} in (-1, 1)`),
  ],
);

/**
 * Pictures that came with a post from another server (Lemmy's `image` and `Image`
 * attachments, Mastodon's image `Document`s). They are never shown from their own server,
 * which would tell it who reads what: a background task fetches each one through the guarded
 * fetcher and stores a resized copy without metadata, served from here. Until then, and for
 * good if it cannot be had, the page shows a plain link instead.
 */
export const itemImages = sqliteTable(
  "item_images",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    /** Where the picture lives on its server. */
    remoteUrl: text("remote_url").notNull(),
    /** Alt text from the attachment's `name`; empty when the sender gave none. */
    alt: text("alt").notNull().default(""),
    state: text("state", { enum: ["pending", "stored", "failed"] })
      .notNull()
      .default("pending"),
    /** The stored WebP copy, relative to the data directory (once stored). */
    storagePath: text("storage_path"),
    width: integer("width"),
    height: integer("height"),
    attempts: integer("attempts").notNull().default(0),
    /** Why the last fetch failed, for the logs and the administrator. */
    lastError: text("last_error"),
    /** When a failed fetch may be tried again. */
    retryAt: integer("retry_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("item_images_item_idx").on(t.itemId),
    index("item_images_pending_idx").on(t.state, t.retryAt),
  ],
);

/** The link a post from another server shares (Lemmy's link posts: an `attachment` of `Link`). */
export const itemLinks = sqliteTable("item_links", {
  itemId: integer("item_id")
    .primaryKey()
    .references(() => items.id, { onDelete: "cascade" }),
  href: text("href").notNull(),
  /** The link's `name` when the sender gave one; the page shows the address otherwise. */
  title: text("title").notNull().default(""),
});
