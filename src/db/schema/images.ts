import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";
import { items } from "./content.ts";

/**
 * Pictures people here put into what they write (forum posts, blog entries, comments, wiki
 * pages): checked by their bytes, resized and stored as WebP without metadata under the data
 * directory. The address carries `uuid`, never the row id, so nobody can guess one.
 */
export const uploadedImages = sqliteTable(
  "uploaded_images",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    uuid: text("uuid").notNull().unique(),
    /** Who uploaded it; they may always see it. Null once their account is gone. */
    uploaderId: integer("uploader_id").references(() => actors.id, { onDelete: "set null" }),
    /** The WebP copy, relative to the data directory. */
    storagePath: text("storage_path").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    bytes: integer("bytes").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index("uploaded_images_uploader_idx").on(t.uploaderId)],
);

/**
 * Which posts show an uploaded picture: whoever may read one of them may see the picture.
 * Rows are added when a post is saved with the picture in its text and never taken away by
 * an edit (the post's history still shows it); a deleted post no longer counts.
 */
export const uploadedImageUses = sqliteTable(
  "uploaded_image_uses",
  {
    imageId: integer("image_id")
      .notNull()
      .references(() => uploadedImages.id, { onDelete: "cascade" }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.imageId, t.itemId] }),
    index("uploaded_image_uses_item_idx").on(t.itemId),
  ],
);

/**
 * Pictures that remote posts show inline, fetched on a reader's behalf by the image proxy
 * (/media/proxy/...) so the reader's browser never asks the remote server. A failure is kept
 * too, for a short while, so a dead address is not asked again on every page view.
 */
export const imageProxyCache = sqliteTable(
  "image_proxy_cache",
  {
    /** SHA-256 of the remote address, in hex. */
    urlHash: text("url_hash").primaryKey(),
    url: text("url").notNull(),
    state: text("state", { enum: ["stored", "failed"] }).notNull(),
    /** The WebP copy, relative to the data directory (stored entries only). */
    storagePath: text("storage_path"),
    bytes: integer("bytes").notNull().default(0),
    /** Why the fetch failed, for the logs and the administrator. */
    reason: text("reason"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    /** When a reader last asked for it: the least recently used go first when space runs out. */
    usedAt: integer("used_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("image_proxy_cache_used_idx").on(t.usedAt)],
);
