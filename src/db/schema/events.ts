import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";
import { items } from "./content.ts";

/**
 * What an event item (kind "event") has besides its title and description: when, where and
 * whom to ask. Times are stored as UTC instants; the organiser's time zone is kept so the
 * event can be shown in the local "wall time" it was planned in.
 */
export const events = sqliteTable(
  "events",
  {
    itemId: integer("item_id")
      .primaryKey()
      .references(() => items.id, { onDelete: "cascade" }),
    startsAt: integer("starts_at", { mode: "timestamp_ms" }).notNull(),
    endsAt: integer("ends_at", { mode: "timestamp_ms" }).notNull(),
    /** IANA time zone name, e.g. `Europe/London`. */
    timezone: text("timezone").notNull().default("Europe/London"),
    locationName: text("location_name").notNull().default(""),
    locationAddress: text("location_address").notNull().default(""),
    /** Link to join online (http or https only). */
    onlineUrl: text("online_url"),
    /** Whom to ask about the event: a name, email address or phone number, as typed. */
    contact: text("contact").notNull().default(""),
  },
  (t) => [index("events_starts_idx").on(t.startsAt), index("events_ends_idx").on(t.endsAt)],
);

/**
 * Who answered an event's invitation, local or remote. "maybe" records a TentativeAccept from
 * software that offers it (Friendica and others); Copse's own pages offer going or not going.
 */
export const rsvps = sqliteTable(
  "rsvps",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    actorId: integer("actor_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["going", "maybe", "not_going"] }).notNull(),
    /** The Join, Leave or Accept that carried the answer, to match the organiser's reply. */
    activityIri: text("activity_iri"),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("rsvps_item_actor_idx").on(t.itemId, t.actorId),
    index("rsvps_activity_idx").on(t.activityIri),
  ],
);
