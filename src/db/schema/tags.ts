import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";
import { items } from "./content.ts";

/** Folksonomy tags, one row per normalised (lower-case) name. */
export const tags = sqliteTable("tags", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** Lower-case, trimmed name: the key used in URLs and for matching. */
  name: text("name").notNull().unique(),
  /** The spelling first used, shown in clouds and lists. */
  display: text("display").notNull(),
});

/** Who put which tag on which item; any member may tag, so one item+tag can have many taggers. */
export const taggings = sqliteTable(
  "taggings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    tagId: integer("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
    taggerId: integer("tagger_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex("taggings_item_tag_tagger_idx").on(t.itemId, t.tagId, t.taggerId),
    // Tag and item together, so a tag cloud counts items from the index alone.
    index("taggings_tag_item_idx").on(t.tagId, t.itemId),
  ],
);

/**
 * How many listed items carry each tag, per scope: the whole site's public items (group 0), and
 * each community's public and non-public items. Kept by triggers (src/db/tag-counts.ts and
 * src/db/postgres/tag-counts.ts) whatever code writes, so a tag cloud reads a few rows instead
 * of counting every tagging of the instance after each change.
 */
export const tagCounts = sqliteTable(
  "tag_counts",
  {
    /** The community, or 0 for the whole site (public items only). */
    groupId: integer("group_id").notNull(),
    /** 1 for the public items, 0 for the others (what a community's members alone see). */
    isPublic: integer("is_public").notNull(),
    tagId: integer("tag_id").notNull(),
    /** Listed (live, published) items with the tag; rows falling to 0 are kept, and skipped. */
    itemCount: integer("item_count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.isPublic, t.tagId] })],
);
