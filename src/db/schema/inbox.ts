import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Ids of activities already processed, so a redelivered activity changes nothing twice. */
export const inboxSeen = sqliteTable("inbox_seen", {
  activityIri: text("activity_iri").primaryKey(),
  receivedAt: integer("received_at").notNull(),
});
