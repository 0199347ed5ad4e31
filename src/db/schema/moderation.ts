import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";
import { items } from "./content.ts";

/**
 * Every facilitator's action in a community (the moderation log): who did what to whom or to
 * which item, when and why. Rows are never changed; lifting a ban is a row of its own.
 */
export const moderationLog = sqliteTable(
  "moderation_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    groupId: integer("group_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    /** Who acted (local or remote facilitator); null for the instance administrator. */
    actorId: integer("actor_id").references(() => actors.id, { onDelete: "set null" }),
    action: text("action", {
      enum: [
        "remove-member",
        "ban",
        "unban",
        "appoint",
        "dismiss",
        "remove-item",
        "restore-item",
        "lock",
        "unlock",
        "pin",
        "unpin",
        "settings",
      ],
    }).notNull(),
    /** The member acted on, for membership actions. */
    targetActorId: integer("target_actor_id").references(() => actors.id, {
      onDelete: "set null",
    }),
    /** The item acted on, for content actions. */
    targetItemId: integer("target_item_id").references(() => items.id, { onDelete: "set null" }),
    reason: text("reason").notNull().default(""),
    /** When a ban ends, for `ban` rows with a period. */
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index("moderation_log_group_idx").on(t.groupId, t.id)],
);
