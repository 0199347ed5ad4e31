import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Recurring background tasks (alert sweeps, digests, mail sending, news refresh). The next run
 * time lives here so a restart neither skips a digest nor runs one twice.
 */
export const scheduledTasks = sqliteTable("scheduled_tasks", {
  name: text("name").primaryKey(),
  nextRunAt: integer("next_run_at").notNull(),
  lastRunAt: integer("last_run_at"),
  lastError: text("last_error"),
  /** Consecutive failures, for backoff. */
  failures: integer("failures").notNull().default(0),
  /** A task's own progress marker (e.g. the last item id an alert sweep looked at). */
  cursor: text("cursor"),
});

/**
 * Leases: which process may do a piece of work that must happen once across all of them (a
 * scheduled task's run). A holder renews its lease while it works; one that dies stops
 * renewing, and once `expires_at` has passed another process may take the lease over.
 */
export const leases = sqliteTable("leases", {
  name: text("name").primaryKey(),
  /** Who holds it: host, process id and a random part, unique to one job runner. */
  holder: text("holder").notNull(),
  /** Epoch milliseconds after which the lease is free for anyone. */
  expiresAt: integer("expires_at").notNull(),
});
