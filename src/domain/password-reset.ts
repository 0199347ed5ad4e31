import { and, eq, gt, isNull, lte } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { accounts, actors, passwordResets } from "../db/schema/index.ts";
import { endSessions, hashPassword, normaliseLogin, passwordProblems } from "./accounts.ts";
import { ValidationError } from "./errors.ts";
import { wakeMailSender } from "./mail/delivery.ts";
import { queueMail } from "./mail/outbox.ts";
import { hashSecretToken, newSecretToken, SECRET_TOKEN_PATTERN } from "./secret-tokens.ts";
import { reserveAttempt } from "./sign-in-throttle.ts";
import { passwordResetMail, type SignUpSite } from "./sign-up-mail.ts";

// A forgotten password is replaced through a link sent by email, asked for on the sign-in page
// by anyone or sent by an administrator. The public form answers the same whether or not the
// address has an account, so it cannot be used to find out who has one. Only the link's hash
// is stored; the link expires, works once, and using it ends every session of the account.

/** How long a password-reset link works. */
export const PASSWORD_RESET_HOURS = 2;

/** The path of the page a reset link opens. */
export function passwordResetPath(token: string): string {
  return `/password/reset/${token}`;
}

/** An account a reset link may be made for: not suspended. */
function resettable(db: Db, where: { email: string } | { accountId: number }) {
  return db
    .select({ id: accounts.id, email: accounts.email, handle: actors.handle })
    .from(accounts)
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(
      and(
        "email" in where ? eq(accounts.email, where.email) : eq(accounts.id, where.accountId),
        isNull(accounts.suspendedAt),
      ),
    )
    .get();
}

/** Stores a new link for an account and queues the mail carrying it, in one transaction. */
function issueLink(
  db: Db,
  site: SignUpSite,
  account: { id: number; email: string; handle: string },
  byAdmin: boolean,
  now: number,
): void {
  db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    txDb
      .delete(passwordResets)
      .where(lte(passwordResets.expiresAt, new Date(now)))
      .run();
    // The newest link is the only one that works.
    txDb.delete(passwordResets).where(eq(passwordResets.accountId, account.id)).run();
    const token = newSecretToken();
    txDb
      .insert(passwordResets)
      .values({
        tokenHash: hashSecretToken(token),
        accountId: account.id,
        createdAt: new Date(now),
        expiresAt: new Date(now + PASSWORD_RESET_HOURS * 3_600_000),
      })
      .run();
    queueMail(
      txDb,
      passwordResetMail(site, {
        to: account.email,
        handle: account.handle,
        link: `${site.origin}${passwordResetPath(token)}`,
        validHours: PASSWORD_RESET_HOURS,
        byAdmin,
      }),
      site.origin,
    );
  });
  wakeMailSender(db, now);
}

/**
 * Handles the public "Forgot your password?" form: mails a link when the address belongs to an
 * account in good standing, and quietly does nothing otherwise. The caller shows the same page
 * either way. Requests are counted per address and per client whether or not the address has
 * an account (ThrottledError past the limit), so nobody can flood an inbox with links.
 */
export function requestPasswordReset(
  db: Db,
  site: SignUpSite,
  input: { email: string; clientKey: string },
  now = Date.now(),
): void {
  const email = normaliseLogin(input.email);
  reserveAttempt(db, { account: `reset:${email}`, client: `reset-client:${input.clientKey}` }, now);
  const account = resettable(db, { email });
  if (account) issueLink(db, site, account, false, now);
}

/** Sends an account a reset link at an administrator's request; false when it is suspended. */
export function sendPasswordReset(
  db: Db,
  site: SignUpSite,
  accountId: number,
  now = Date.now(),
): boolean {
  const account = resettable(db, { accountId });
  if (!account) return false;
  issueLink(db, site, account, true, now);
  return true;
}

/** The account a reset link is for, or undefined when the link is malformed, used or expired. */
export function findPasswordReset(
  db: Db,
  token: string,
  now = Date.now(),
): { accountId: number; handle: string; email: string } | undefined {
  if (!SECRET_TOKEN_PATTERN.test(token)) return undefined;
  return db
    .select({ accountId: accounts.id, handle: actors.handle, email: accounts.email })
    .from(passwordResets)
    .innerJoin(accounts, eq(passwordResets.accountId, accounts.id))
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(
      and(
        eq(passwordResets.tokenHash, hashSecretToken(token)),
        gt(passwordResets.expiresAt, new Date(now)),
        isNull(accounts.suspendedAt),
      ),
    )
    .get();
}

/**
 * Sets a new password through a reset link, checked by the same rules as at sign-up, spends
 * the link and ends every session of the account. Returns the account's id, or undefined when
 * the link does not work; throws a ValidationError (leaving the link usable) for a weak password.
 */
export async function resetPassword(
  db: Db,
  token: string,
  password: string,
  now = Date.now(),
): Promise<number | undefined> {
  const reset = findPasswordReset(db, token, now);
  if (!reset) return undefined;
  const problems = passwordProblems(password, reset.handle, reset.email);
  if (problems.length > 0) {
    throw new ValidationError(problems.map((message) => ({ field: "password", message })));
  }
  const passwordHash = await hashPassword(password);
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    // Spent here, so two forms sent at once cannot both use the link.
    const spent = txDb
      .delete(passwordResets)
      .where(eq(passwordResets.tokenHash, hashSecretToken(token)))
      .returning()
      .get();
    if (!spent || spent.expiresAt.getTime() <= now) return undefined;
    txDb.update(accounts).set({ passwordHash }).where(eq(accounts.id, spent.accountId)).run();
    txDb.delete(passwordResets).where(eq(passwordResets.accountId, spent.accountId)).run();
    endSessions(txDb, spent.accountId);
    return spent.accountId;
  });
}
