import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";

/**
 * Settings an administrator changes from the web pages (those in the environment stay there):
 * one row per key, e.g. `communities.approval` = `on`. A missing row means the default.
 */
export const instanceSettings = sqliteTable("instance_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * What administrators decided about a community, told to each person concerned: its creator
 * when it is approved or rejected, every local member when it is closed or deleted (here, or on
 * its own server for a remote one). Kept per person because a deleted community's memberships
 * go with it, and the notice must outlive them (notifications page, email alerts).
 */
export const communityNotices = sqliteTable(
  "community_notices",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    personId: integer("person_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    groupId: integer("group_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["approved", "rejected", "closed", "deleted"] }).notNull(),
    reason: text("reason").notNull().default(""),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index("community_notices_person_idx").on(t.personId, t.id)],
);
