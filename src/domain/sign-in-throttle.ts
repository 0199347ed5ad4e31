import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { loginAttempts } from "../db/schema/index.ts";
import { ThrottledError } from "./errors.ts";

// Sign-in attempts are counted per account and per client in fixed 15-minute windows. An
// attempt is counted *before* its password is checked, in one transaction that first looks at
// both counters and then raises them: argon2 takes tens of milliseconds, and counting only
// after it (as Copse once did) let forty parallel guesses all be checked before the first was
// recorded. better-sqlite3 runs a transaction synchronously, so no other sign-in in this
// process can come between the check and the count, and SQLite's lock covers other processes.

const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
/** Attempts allowed per account (or per unknown login) in a window. */
export const MAX_ATTEMPTS_PER_ACCOUNT = 5;
/** Attempts allowed per client address in a window. */
export const MAX_ATTEMPTS_PER_CLIENT = 20;

/** The counters one sign-in attempt is charged to. */
export interface AttemptKeys {
  /** `account:<id>` for a known account, `login:<what was typed, normalised>` otherwise. */
  account: string;
  /** `client:<address>`. */
  client: string;
}

/**
 * Counts one attempt against both keys, or throws ThrottledError (counting nothing) when either
 * has used up its window. Call it before checking the password.
 */
export function reserveAttempt(db: Db, keys: AttemptKeys, now = Date.now()): void {
  db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const limits: [string, number][] = [
      [keys.account, MAX_ATTEMPTS_PER_ACCOUNT],
      [keys.client, MAX_ATTEMPTS_PER_CLIENT],
    ];
    for (const [key, max] of limits) {
      const row = txDb.select().from(loginAttempts).where(eq(loginAttempts.key, key)).get();
      if (!row) continue;
      const elapsed = now - row.windowStart.getTime();
      if (elapsed < THROTTLE_WINDOW_MS && row.failures >= max) {
        throw new ThrottledError((THROTTLE_WINDOW_MS - elapsed) / 1000);
      }
    }
    for (const [key] of limits) countAttempt(txDb, key, now);
  });
}

/** Raises a key's counter, starting a new window when the last one has passed. */
function countAttempt(db: Db, key: string, now: number): void {
  const windowOver = sql`${now} - ${loginAttempts.windowStart} >= ${THROTTLE_WINDOW_MS}`;
  db.insert(loginAttempts)
    .values({ key, failures: 1, windowStart: new Date(now) })
    .onConflictDoUpdate({
      target: loginAttempts.key,
      set: {
        failures: sql`CASE WHEN ${windowOver} THEN 1 ELSE ${loginAttempts.failures} + 1 END`,
        windowStart: sql`CASE WHEN ${windowOver} THEN ${now} ELSE ${loginAttempts.windowStart} END`,
      },
    })
    .run();
}

/**
 * Forgets the attempts of a sign-in that turned out right: the account's counter is cleared,
 * and the client's loses the one reserved for it, so people who sign in often are not slowed.
 */
export function releaseAttempt(db: Db, keys: AttemptKeys): void {
  db.transaction((tx) => {
    tx.delete(loginAttempts).where(eq(loginAttempts.key, keys.account)).run();
    tx.update(loginAttempts)
      .set({ failures: sql`max(${loginAttempts.failures} - 1, 0)` })
      .where(eq(loginAttempts.key, keys.client))
      .run();
  });
}
