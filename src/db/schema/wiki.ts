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

/**
 * Every version of a wiki page, numbered 1, 2, 3... per page. The home instance numbers them;
 * other instances copy the numbers they are told, so every instance shows the same history.
 */
export const wikiRevisions = sqliteTable(
  "wiki_revisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    /** The editor's Markdown; null when a remote server sent only HTML. */
    bodySource: text("body_source"),
    /** Sanitized HTML, safe to show as is. */
    bodyHtml: text("body_html").notNull(),
    /** The "reason for update" the editor gave. */
    reason: text("reason").notNull(),
    authorId: integer("author_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    /** Dereferenceable id of the revision: `${pageIri}/revisions/${number}`. */
    iri: text("iri").notNull().unique(),
  },
  (t) => [
    uniqueIndex("wiki_revisions_item_number_idx").on(t.itemId, t.number),
    // Edits (revisions after the first) by time, with what the metrics need of them, so a
    // period's edits are read without the wide page text of every revision.
    index("wiki_revisions_edits_idx").on(t.createdAt, t.itemId, t.authorId).where(sql`number > 1`),
  ],
);

/** Pages a wiki page points readers to ("related pages"), at most five per page. */
export const wikiRelated = sqliteTable(
  "wiki_related",
  {
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    relatedItemId: integer("related_item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.relatedItemId] }),
    index("wiki_related_related_idx").on(t.relatedItemId),
  ],
);

/**
 * Edits a local person made to a wiki page whose community lives on another server. They wait
 * here until the home server announces them as a revision or rejects them, so the editor can
 * see what happened to their text (and keep it when the page changed under them).
 */
export const wikiPendingEdits = sqliteTable(
  "wiki_pending_edits",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The community the edit was sent to. */
    groupId: integer("group_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    /** The page edited; null for a new page, which gets its id from the community. */
    itemId: integer("item_id").references(() => items.id, { onDelete: "cascade" }),
    authorId: integer("author_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    /** Id of the Update (or, for a new page, the Create) sent; its Reject names it. */
    activityIri: text("activity_iri").notNull().unique(),
    /** The revision the edit was based on (0 for a new page). */
    baseNumber: integer("base_number").notNull(),
    title: text("title").notNull(),
    bodySource: text("body_source").notNull(),
    reason: text("reason").notNull(),
    state: text("state", { enum: ["pending", "applied", "rejected"] }).notNull(),
    /** Why the home server refused the edit. */
    message: text("message"),
    /** The revision the edit became, once applied. */
    revisionNumber: integer("revision_number"),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("wiki_pending_edits_item_author_idx").on(t.itemId, t.authorId),
    index("wiki_pending_edits_group_author_idx").on(t.groupId, t.authorId),
  ],
);
