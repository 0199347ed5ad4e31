import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { accounts, setupTokens } from "../db/schema/index.ts";
import { type AccountWithActor, checkNewAccount, hashPassword, insertAccount } from "./accounts.ts";
import { hashSecretToken, newSecretToken, SECRET_TOKEN_PATTERN } from "./secret-tokens.ts";

// A new instance has no administrator. Letting the first person to sign up become one would
// hand a public server to whoever finds it first, so instead the server prints a one-time
// set-up link when it starts (and `npm run admin -- setup-link` prints a fresh one); only the
// person who can read the console can open it. Until an administrator exists, sign-up on the
// web is closed. Only the newest link works; its hash is stored, and it is spent when used.

/** The path of the set-up page a link opens. */
export function setupPath(token: string): string {
  return `/setup/${token}`;
}

/** Whether the instance has an administrator (and so is past its first run). */
export function hasAdministrator(db: Db): boolean {
  return (
    db
      .select({ id: accounts.id })
      .from(accounts)
      .where(eq(accounts.isAdmin, true))
      .limit(1)
      .get() !== undefined
  );
}

/**
 * Makes a new set-up link token, replacing any earlier one, and returns it (shown once); returns
 * undefined when an administrator already exists and no set-up is needed.
 */
export function createSetupToken(db: Db, now = Date.now()): string | undefined {
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    if (hasAdministrator(txDb)) return undefined;
    const token = newSecretToken();
    txDb.delete(setupTokens).run();
    txDb
      .insert(setupTokens)
      .values({ tokenHash: hashSecretToken(token), createdAt: new Date(now) })
      .run();
    return token;
  });
}

/** Whether a set-up token still works: it is the newest one, unused, and no admin exists yet. */
export function setupTokenWorks(db: Db, token: string): boolean {
  if (!SECRET_TOKEN_PATTERN.test(token) || hasAdministrator(db)) return false;
  return (
    db
      .select()
      .from(setupTokens)
      .where(eq(setupTokens.tokenHash, hashSecretToken(token)))
      .get() !== undefined
  );
}

/**
 * Creates the administrator through a set-up link. Throws a ValidationError for bad details
 * (changing nothing, so the link still works) and returns undefined when the link no longer
 * works; the link is spent in the same transaction that creates the account.
 */
export async function completeSetup(
  db: Db,
  origin: string,
  token: string,
  input: { handle: string; email: string; password: string; name?: string | undefined },
): Promise<AccountWithActor | undefined> {
  if (!setupTokenWorks(db, token)) return undefined;
  const details = checkNewAccount(db, input);
  const passwordHash = await hashPassword(input.password);
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const spent = txDb
      .delete(setupTokens)
      .where(eq(setupTokens.tokenHash, hashSecretToken(token)))
      .run();
    // A second submission of the form, or a newer link, got there first.
    if (spent.changes !== 1 || hasAdministrator(txDb)) return undefined;
    checkNewAccount(txDb, input);
    return insertAccount(txDb, origin, { ...details, passwordHash, isAdmin: true });
  });
}
