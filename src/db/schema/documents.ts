import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
} from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";
import { items } from "./content.ts";

/**
 * The file behind a document item (kind "document"). Local uploads live under the data
 * directory, named by their SHA-256 so identical files are stored once; documents from other
 * servers keep only their metadata and a link to the file on its origin.
 */
export const documents = sqliteTable(
  "documents",
  {
    itemId: integer("item_id")
      .primaryKey()
      .references(() => items.id, { onDelete: "cascade" }),
    /** The uploader's file name, cleaned of paths and control characters. */
    fileName: text("file_name").notNull(),
    /** Sniffed from the bytes for local files; as the origin claims for remote ones. */
    mediaType: text("media_type").notNull(),
    /** Size in bytes; unknown (null) for remote files. */
    size: integer("size"),
    /** Hex SHA-256 of the bytes; unknown (null) for remote files. */
    sha256: text("sha256"),
    /** Path relative to the data directory; null for remote files. */
    storagePath: text("storage_path"),
    /** Where the file lives on its home server; null for local files. */
    remoteUrl: text("remote_url"),
    /**
     * For documents from another server: the star average and count its home publishes
     * (schema.org aggregateRating), shown instead of the ratings given here. Null until known.
     */
    ratingAverage: real("rating_average"),
    ratingCount: integer("rating_count"),
  },
  (t) => [index("documents_sha256_idx").on(t.sha256)],
);

/**
 * Ratings of documents, one per person and document. Local people give 1 to 5 stars; a
 * `Like` from another server has no stars (null) and counts as a like, because ActivityPub
 * has no way to say how many stars someone meant.
 */
export const ratings = sqliteTable(
  "ratings",
  {
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    actorId: integer("actor_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    stars: integer("stars"),
    /** The Like's id for ratings that arrived from another server. */
    likeIri: text("like_iri"),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.actorId] }),
    check("ratings_stars_range", sql`${t.stars} is null or ${t.stars} between 1 and 5`),
  ],
);
