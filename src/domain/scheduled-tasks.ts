import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { scheduledTasks } from "../db/schema/index.ts";

/**
 * Brings a background task's next run forward to `now`. The schedule is a row in the database,
 * so code without the task runner at hand (web routes, domain code) can wake a task too; the
 * runner picks it up on its next tick.
 */
export function wakeTask(db: Db, name: string, now = Date.now()): void {
  db.update(scheduledTasks).set({ nextRunAt: now }).where(eq(scheduledTasks.name, name)).run();
}
