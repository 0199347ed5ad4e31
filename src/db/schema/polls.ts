import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";
import { items } from "./content.ts";

/** A poll's settings; the poll itself is an item of kind `poll` (title = the question). */
export const polls = sqliteTable("polls", {
  itemId: integer("item_id")
    .primaryKey()
    .references(() => items.id, { onDelete: "cascade" }),
  /** `anyOf` polls let a voter pick several options; `oneOf` polls one. */
  multiple: integer("multiple", { mode: "boolean" }).notNull(),
  /** When voting stops (epoch ms). */
  endsAt: integer("ends_at", { mode: "timestamp_ms" }).notNull(),
  /** Voters counted by the poll's home (remote polls; local polls count their own votes). */
  votersCount: integer("voters_count").notNull().default(0),
  /** Set once the closing Update with final totals has been sent (local polls). */
  closedAnnouncedAt: integer("closed_announced_at", { mode: "timestamp_ms" }),
  /**
   * Votes counted since the last Update with the totals went out (local polls). A task sends
   * one Update for many votes, and clears only the changes it saw, so none are missed.
   */
  unsentTotalsChanges: integer("unsent_totals_changes").notNull().default(0),
});

/** The options of a poll, in the order the facilitator gave them. */
export const pollOptions = sqliteTable(
  "poll_options",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    /** Total reported by the poll's home (remote polls only). */
    remoteCount: integer("remote_count").notNull().default(0),
  },
  (t) => [uniqueIndex("poll_options_item_name_idx").on(t.itemId, t.name)],
);

/** One voter's choice of one option; a multiple-choice voter has a row per option. */
export const pollVotes = sqliteTable(
  "poll_votes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    optionId: integer("option_id")
      .notNull()
      .references(() => pollOptions.id, { onDelete: "cascade" }),
    voterId: integer("voter_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    /** Id of the Create{Note} vote (remote votes, and local votes sent to a remote poll). */
    iri: text("iri"),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    uniqueIndex("poll_votes_voter_option_idx").on(t.itemId, t.voterId, t.optionId),
    index("poll_votes_option_idx").on(t.optionId),
    // The metrics read a period's voters from here alone, not every vote ever cast.
    index("poll_votes_created_idx").on(t.createdAt, t.itemId, t.voterId),
  ],
);
