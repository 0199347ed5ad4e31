import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";
import { items } from "./content.ts";

/**
 * Reports of a post or a person, made here or received as a `Flag`. One row per community
 * concerned (a `Flag` naming posts in two communities makes two rows); `groupId` is null for a
 * report about a person that no community here is concerned with, which only administrators see.
 * The reason is never shown to the person reported.
 */
export const reports = sqliteTable(
  "reports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The community whose facilitators handle it (local), or the remote one it was sent to. */
    groupId: integer("group_id").references(() => actors.id, { onDelete: "cascade" }),
    /** Who reported: a local person, a remote person, or a remote instance actor (Mastodon). */
    reporterId: integer("reporter_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    /** The post reported, if a post was. */
    itemId: integer("item_id").references(() => items.id, { onDelete: "cascade" }),
    /** The person reported, or the reported post's author. */
    targetActorId: integer("target_actor_id").references(() => actors.id, {
      onDelete: "cascade",
    }),
    reason: text("reason").notNull().default(""),
    state: text("state", { enum: ["open", "resolved", "dismissed"] })
      .notNull()
      .default("open"),
    /** What settled it: "removed", "banned" or the dismissal; with who and when. */
    outcome: text("outcome"),
    note: text("note").notNull().default(""),
    decidedById: integer("decided_by_id").references(() => actors.id, { onDelete: "set null" }),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    /** The `Flag` it came in as (received) or went out as (sent to a remote community). */
    activityIri: text("activity_iri"),
    /** Host of the server that sent it, for the per-instance flood limit; null when local. */
    fromHost: text("from_host"),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    index("reports_group_state_idx").on(t.groupId, t.state, t.id),
    index("reports_reporter_idx").on(t.reporterId, t.createdAt),
    index("reports_host_idx").on(t.fromHost, t.createdAt),
    index("reports_item_idx").on(t.itemId),
    index("reports_target_idx").on(t.targetActorId),
    // The alert sweep follows outcomes by the time reports were decided.
    index("reports_decided_idx").on(t.decidedAt, t.id),
  ],
);

/** When each person last looked at their notifications; anything newer is unread. */
export const notificationReads = sqliteTable("notification_reads", {
  actorId: integer("actor_id")
    .primaryKey()
    .references(() => actors.id, { onDelete: "cascade" }),
  seenAt: integer("seen_at", { mode: "timestamp_ms" }).notNull(),
});
