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
  (t) => [
    primaryKey({ columns: [t.personId, t.topic] }),
    // The sweep asks who chose immediate mail for a community section, once per new item.
    index("alert_settings_topic_idx").on(t.topic, t.frequency),
  ],
);

/**
 * What a person's choice for a topic was before they changed it: news up to and including
 * `untilNewsId` was recorded under `frequency`. Community news is recorded once for everyone
 * (alertNews) and sorted into each person's mails only when they are built, so this keeps a
 * change from moving news already told in a daily digest into the weekly one (told twice) or
 * news waiting for the weekly one past the daily one's position (never told). Pruned with the
 * news it covers.
 */
export const alertSettingChanges = sqliteTable(
  "alert_setting_changes",
  {
    personId: integer("person_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
    untilNewsId: integer("until_news_id").notNull(),
    frequency: text("frequency", { enum: ALERT_FREQUENCIES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.topic, t.untilNewsId] })],
);

/**
 * Community news, recorded once per new item or wiki edit whoever hears of it: who gets it is
 * decided when an immediate mail or a digest is built, from memberships and settings as they
 * then stand. Rows older than the digest window are pruned.
 */
export const alertNews = sqliteTable(
  "alert_news",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The item, or for a wiki edit the page. */
    itemId: integer("item_id").notNull(),
    /** `item:{id}` or `revision:{id}`, as in alert entries. */
    subject: text("subject").notNull(),
    /** The community section it is news for (forum, blog, wiki, events, documents, polls). */
    section: text("section", {
      enum: ["forum", "blog", "wiki", "events", "documents", "polls"],
    }).notNull(),
    /** Who made it: they are never told of their own post or edit. */
    authorId: integer("author_id").notNull(),
    recordedAt: integer("recorded_at").notNull(),
  },
  (t) => [
    index("alert_news_item_idx").on(t.itemId),
    index("alert_news_recorded_idx").on(t.recordedAt),
  ],
);

/** How far each person's daily or weekly digest has read the community news. */
export const alertDigestCursors = sqliteTable(
  "alert_digest_cursors",
  {
    personId: integer("person_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    frequency: text("frequency", { enum: ["daily", "weekly"] }).notNull(),
    /** The last news id the digest considered; everything up to it was told or passed over. */
    newsId: integer("news_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.frequency] })],
);

/**
 * Something one person is to be told about, waiting for its immediate mail or digest: news
 * about them (replies, mentions, messages, requests, reports, decisions), which has a handful
 * of recipients at most. Community news goes to alertNews instead; rows of it written before
 * that table existed still wait here and go out in the next digest.
 */
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
