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

/** How often a person wants to hear about something. */
export const ALERT_FREQUENCIES = ["off", "immediate", "daily", "weekly"] as const;

/**
 * A person's alert choice for one topic. Topics are `messages`, `replies`, or
 * `community:{groupActorId}:{section}` with section one of forum, blog, wiki, events,
 * documents, polls, requests. A missing row means the default.
 */
export const alertSettings = sqliteTable(
  "alert_settings",
  {
    personId: integer("person_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
    frequency: text("frequency", { enum: ALERT_FREQUENCIES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.topic] })],
);

/** Something a person is to be told about, waiting for its immediate mail or digest. */
export const alertEntries = sqliteTable(
  "alert_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    personId: integer("person_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
    frequency: text("frequency", { enum: ["immediate", "daily", "weekly"] }).notNull(),
    /**
     * What happened: `item:{id}`, `message:{id}`, `revision:{id}` (a wiki edit) or
     * `membership:{id}:{requestedAt}` (older entries lack the time); unique per person.
     */
    subject: text("subject").notNull(),
    groupId: integer("group_id").references(() => actors.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    /** The mail that carried it; null while it waits. */
    mailId: integer("mail_id"),
  },
  (t) => [
    uniqueIndex("alert_entries_person_subject_idx").on(t.personId, t.subject),
    index("alert_entries_pending_idx").on(t.frequency, t.mailId),
  ],
);

/**
 * Outgoing mail. A row is written in the same transaction that consumes the alert entries, and
 * marked sent only after the SMTP server accepts it, so a crash delays mail and never loses it.
 */
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    /** Extra headers as JSON (List-Unsubscribe and friends). */
    headers: text("headers").notNull().default("{}"),
    /** Stable Message-ID, so a resend after a crash can be recognised as the same mail. */
    messageId: text("message_id").notNull().unique(),
    /** `sending` while a sender holds the row; a restart puts such rows back to `queued`. */
    state: text("state", { enum: ["queued", "sending", "sent", "failed"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    sentAt: integer("sent_at"),
  },
  (t) => [index("mail_outbox_due_idx").on(t.state, t.nextAttemptAt)],
);

/** One-click unsubscribe tokens (RFC 8058); only a hash of the token is kept. */
export const alertTokens = sqliteTable("alert_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  personId: integer("person_id")
    .notNull()
    .references(() => actors.id, { onDelete: "cascade" }),
  topic: text("topic").notNull(),
  createdAt: integer("created_at").notNull(),
});
