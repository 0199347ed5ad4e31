import { and, eq, lte, or } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { leases } from "../db/schema/index.ts";

// Leases make a piece of work happen in one process at a time across every process on the
// database: a scheduled task's run, when several workers run. Each statement is a single
// conditional write (an upsert whose update applies only to the holder or to a lapsed lease),
// so two processes asking at once cannot both win, on SQLite or on PostgreSQL alike.

/**
 * Takes the lease `name` for `holder` until `now + ttlMs`, or renews it if `holder` already has
 * it. True when `holder` holds it afterwards; false while another holder's lease runs.
 */
export function takeLease(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
  now = Date.now(),
): boolean {
  const expiresAt = now + ttlMs;
  const row = db
    .insert(leases)
    .values({ name, holder, expiresAt })
    .onConflictDoUpdate({
      target: leases.name,
      set: { holder, expiresAt },
      setWhere: or(eq(leases.holder, holder), lte(leases.expiresAt, now)),
    })
    .returning({ holder: leases.holder })
    .get();
  return row !== undefined;
}

/** Gives the lease up, if `holder` still has it, so another process need not wait for it to lapse. */
export function releaseLease(db: Db, name: string, holder: string): void {
  db.delete(leases)
    .where(and(eq(leases.name, name), eq(leases.holder, holder)))
    .run();
}

/**
 * Whether the lease `name` lapsed in another holder's hands: it was neither renewed nor given up,
 * so the work it covered stopped part-way (its process died or stalled).
 */
export function leaseLapsed(db: Db, name: string, holder: string, now = Date.now()): boolean {
  const row = db.select().from(leases).where(eq(leases.name, name)).get();
  return row !== undefined && row.holder !== holder && row.expiresAt <= now;
}

/** Ends `holder`'s lease `name` now, as if it had lapsed (its holder is known to be dead). */
export function expireLease(db: Db, name: string, holder: string): void {
  db.update(leases)
    .set({ expiresAt: 0 })
    .where(and(eq(leases.name, name), eq(leases.holder, holder)))
    .run();
}

/** Who holds the lease `name` now, or undefined when it is free or has lapsed. */
export function leaseHolder(db: Db, name: string, now = Date.now()): string | undefined {
  const row = db.select().from(leases).where(eq(leases.name, name)).get();
  return row && row.expiresAt > now ? row.holder : undefined;
}
