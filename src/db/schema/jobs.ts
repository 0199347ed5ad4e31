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
