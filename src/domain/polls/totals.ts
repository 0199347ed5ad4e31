import { and, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { items, polls } from "../../db/schema/index.ts";
import type { ItemRow } from "../items.ts";

// A poll hosted here tells other servers its totals with an Update{Question}. Sending one per
// vote would flood every follower's server when a poll is busy, so a vote only counts up the
// poll's unsent changes (in the same transaction as the vote, so a crash loses nothing) and a
// task sends one Update with the latest totals every few seconds for each poll that changed.
// The task then takes away only the changes it saw: votes counted while it was sending leave
// the poll marked, and the next run sends them.

/** Name of the task that sends changed totals; src/jobs registers it, tests use `runNow`. */
export const POLL_TOTALS_TASK = "polls.totals";

/** Records that a local poll's totals have changed since the last Update went out. */
export function markTotalsChanged(db: Db, itemId: number): void {
  db.update(polls)
    .set({ unsentTotalsChanges: sql`${polls.unsentTotalsChanges} + 1` })
    .where(eq(polls.itemId, itemId))
    .run();
}

/** A local poll whose totals changed, with how many changes were counted when it was read. */
export interface ChangedTotals {
  item: ItemRow;
  changes: number;
}

/** Local polls whose totals changed since their last Update (deleted ones too, to clear them). */
export function pollsWithUnsentTotals(db: Db): ChangedTotals[] {
  return db
    .select({ item: items, changes: polls.unsentTotalsChanges })
    .from(polls)
    .innerJoin(items, eq(items.id, polls.itemId))
    .where(and(eq(items.isLocal, true), gt(polls.unsentTotalsChanges, 0)))
    .all();
}

/**
 * Records that an Update carried the totals as they were after `changes` changes. Only those
 * are taken away, so a vote counted meanwhile keeps the poll marked for the next run.
 */
export function totalsSent(db: Db, itemId: number, changes: number): void {
  db.update(polls)
    .set({ unsentTotalsChanges: sql`max(0, ${polls.unsentTotalsChanges} - ${changes})` })
    .where(eq(polls.itemId, itemId))
    .run();
}
