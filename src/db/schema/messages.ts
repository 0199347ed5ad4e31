import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";

/**
 * Private messages between two people, local or remote. They are deliberately not items:
 * feeds, search, tags and community pages read `items`, so a message can never leak there.
 */
export const messages = sqliteTable(
  "messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** ActivityPub id of the Note; local messages get `${origin}/ap/notes/{uuid}`. */
    iri: text("iri").notNull().unique(),
    senderId: integer("sender_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    recipientId: integer("recipient_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    /** Sanitized HTML, safe to show as is. */
    bodyHtml: text("body_html").notNull(),
    /** The sender's Markdown (local messages only; remote ones arrive as HTML). */
    bodySource: text("body_source"),
    inReplyToIri: text("in_reply_to_iri"),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    /** When the recipient opened the conversation; null while unread. */
    readAt: integer("read_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("messages_sender_recipient_idx").on(t.senderId, t.recipientId, t.createdAt),
    index("messages_recipient_unread_idx").on(t.recipientId, t.readAt),
  ],
);
