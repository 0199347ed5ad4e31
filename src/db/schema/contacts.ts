import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";

/**
 * One person marking another as a contact: a Follow between people. The followee's side
 * decides, so a request stays pending until it is accepted (or is accepted at once).
 */
export const contacts = sqliteTable(
  "contacts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    followerId: integer("follower_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    followeeId: integer("followee_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    state: text("state", { enum: ["pending", "accepted"] }).notNull(),
    /** The id of the Follow activity, to match Accept, Reject and Undo. */
    requestIri: text("request_iri").unique(),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex("contacts_pair_idx").on(t.followerId, t.followeeId),
    index("contacts_followee_idx").on(t.followeeId, t.state),
  ],
);
