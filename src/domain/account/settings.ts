import { and, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, actors, emailChanges } from "../../db/schema/index.ts";
import { emailHasAccount, endSessions, normaliseLogin } from "../accounts.ts";
import { type FieldError, ValidationError } from "../errors.ts";
import { wakeMailSender } from "../mail/delivery.ts";
import { queueMail } from "../mail/outbox.ts";
import { hashPassword, passwordProblems, verifyPassword } from "../passwords.ts";
import { hashSecretToken, newSecretToken, SECRET_TOKEN_PATTERN } from "../secret-tokens.ts";
import { releaseAttempt, reserveAttempt } from "../sign-in-throttle.ts";
import type { SignUpSite } from "../sign-up-mail.ts";
import {
  emailChangedNotice,
  emailChangeMail,
  emailChangeTakenMail,
  passwordChangedMail,
} from "./mail.ts";

// A signed-in person changes their own password and email address. Both need the current
// password, counted by the sign-in throttle so that a borrowed session cannot be used to guess
// it. A new address only replaces the old one once the link mailed to it is used (it expires
// and works once), and the old address is then told, so a hijacker cannot quietly take over.

/** How long the link confirming a new email address works. */
export const EMAIL_CHANGE_HOURS = 24;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The path of the page a new address's confirmation link opens. */
export function emailChangePath(token: string): string {
  return `/account/email/confirm/${token}`;
}

/** The account's login details: its handle, address and password hash. */
function credentials(db: Db, accountId: number) {
  const row = db
    .select({ email: accounts.email, hash: accounts.passwordHash, handle: actors.handle })
    .from(accounts)
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(eq(accounts.id, accountId))
    .get();
  if (!row) throw new ValidationError([{ field: "current", message: "No such account" }]);
  return row;
}

/**
 * Checks the current password typed on a settings form, counted against the account and the
 * client like a sign-in (ThrottledError past the limit). Throws a ValidationError for `field`.
 */
export async function checkCurrentPassword(
  db: Db,
  accountId: number,
  password: string,
  input: { clientKey: string; field?: string },
  now = Date.now(),
): Promise<void> {
  const { hash } = credentials(db, accountId);
  const keys = { account: `account:${accountId}`, client: `client:${input.clientKey}` };
  reserveAttempt(db, keys, now);
  if (!(await verifyPassword(hash, password))) {
    throw new ValidationError([
      { field: input.field ?? "current", message: "Your current password is not right" },
    ]);
  }
  releaseAttempt(db, keys);
}

/**
 * Sets a new password after checking the current one and the password rules, ends every other
 * session (keeping `keepToken`, the person's own) and tells the account's address.
 */
export async function changePassword(
  db: Db,
  site: SignUpSite,
  input: {
    accountId: number;
    current: string;
    next: string;
    clientKey: string;
    keepToken?: string | undefined;
  },
  now = Date.now(),
): Promise<void> {
  const { email, handle } = credentials(db, input.accountId);
  const problems: FieldError[] = passwordProblems(input.next, handle, email).map((message) => ({
    field: "new-password",
    message,
  }));
  await checkCurrentPassword(
    db,
    input.accountId,
    input.current,
    { clientKey: input.clientKey, field: "current-password" },
    now,
  );
  if (problems.length > 0) throw new ValidationError(problems);
  const passwordHash = await hashPassword(input.next);
  db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    txDb.update(accounts).set({ passwordHash }).where(eq(accounts.id, input.accountId)).run();
    endSessions(txDb, input.accountId, input.keepToken);
    queueMail(txDb, passwordChangedMail(site, { to: email, handle }), site.origin);
  });
  wakeMailSender(db, now);
}

/**
 * Asks to change the account's address: after the current password, mails a confirmation link
 * to the new address. An address that already has an account gets a note instead, and the
 * person sees the same "check your email" page, so the form tells nobody who has an account.
 */
export async function requestEmailChange(
  db: Db,
  site: SignUpSite,
  input: { accountId: number; current: string; newEmail: string; clientKey: string },
  now = Date.now(),
): Promise<string> {
  const newEmail = normaliseLogin(input.newEmail);
  const { email, handle } = credentials(db, input.accountId);
  if (!EMAIL_PATTERN.test(newEmail) || newEmail.length > 254) {
    throw new ValidationError([
      { field: "email", message: "Enter an email address like name@council.gov.uk" },
    ]);
  }
  if (newEmail === email) {
    throw new ValidationError([{ field: "email", message: "This is already your address" }]);
  }
  await checkCurrentPassword(
    db,
    input.accountId,
    input.current,
    { clientKey: input.clientKey, field: "email-password" },
    now,
  );
  db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    txDb
      .delete(emailChanges)
      .where(lte(emailChanges.expiresAt, new Date(now)))
      .run();
    // Only the newest request's link works.
    txDb.delete(emailChanges).where(eq(emailChanges.accountId, input.accountId)).run();
    if (emailHasAccount(txDb, newEmail)) {
      queueMail(txDb, emailChangeTakenMail(site, { to: newEmail, handle }), site.origin);
      return;
    }
    const token = newSecretToken();
    txDb
      .insert(emailChanges)
      .values({
        tokenHash: hashSecretToken(token),
        accountId: input.accountId,
        newEmail,
        createdAt: new Date(now),
        expiresAt: new Date(now + EMAIL_CHANGE_HOURS * 3_600_000),
      })
      .run();
    const link = `${site.origin}${emailChangePath(token)}`;
    queueMail(
      txDb,
      emailChangeMail(site, { to: newEmail, handle, link, validHours: EMAIL_CHANGE_HOURS }),
      site.origin,
    );
  });
  wakeMailSender(db, now);
  return newEmail;
}

/** The change a confirmation link is for, or undefined when it is malformed, used or expired. */
export function findEmailChange(
  db: Db,
  token: string,
  now = Date.now(),
): { accountId: number; handle: string; newEmail: string } | undefined {
  if (!SECRET_TOKEN_PATTERN.test(token)) return undefined;
  return db
    .select({
      accountId: emailChanges.accountId,
      handle: actors.handle,
      newEmail: emailChanges.newEmail,
    })
    .from(emailChanges)
    .innerJoin(accounts, eq(emailChanges.accountId, accounts.id))
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(
      and(
        eq(emailChanges.tokenHash, hashSecretToken(token)),
        gt(emailChanges.expiresAt, new Date(now)),
      ),
    )
    .get();
}

/** Why a confirmation link did not change the address. */
export type EmailChangeRefusal = { reason: "invalid" } | { reason: "taken" };

/**
 * Uses a confirmation link: spends it, makes the new address the account's and tells the old
 * address. Refuses a link that is malformed, used or expired, or an address taken meanwhile.
 */
export function confirmEmailChange(
  db: Db,
  site: SignUpSite,
  token: string,
  now = Date.now(),
): { accountId: number; newEmail: string } | EmailChangeRefusal {
  if (!SECRET_TOKEN_PATTERN.test(token)) return { reason: "invalid" };
  const result = db.transaction(
    (tx): { accountId: number; newEmail: string } | EmailChangeRefusal => {
      const txDb = tx as unknown as Db;
      // Spent here, so two confirmations at once cannot both use the link.
      const spent = txDb
        .delete(emailChanges)
        .where(eq(emailChanges.tokenHash, hashSecretToken(token)))
        .returning()
        .get();
      if (!spent || spent.expiresAt.getTime() <= now) return { reason: "invalid" };
      if (emailHasAccount(txDb, spent.newEmail)) return { reason: "taken" };
      const { email: oldEmail, handle } = credentials(txDb, spent.accountId);
      txDb
        .update(accounts)
        .set({ email: spent.newEmail })
        .where(eq(accounts.id, spent.accountId))
        .run();
      queueMail(
        txDb,
        emailChangedNotice(site, { to: oldEmail, handle, newEmail: spent.newEmail }),
        site.origin,
      );
      return { accountId: spent.accountId, newEmail: spent.newEmail };
    },
  );
  if ("accountId" in result) wakeMailSender(db, now);
  return result;
}

/** The address waiting to be confirmed for an account, if any link for it still works. */
export function pendingEmailChange(
  db: Db,
  accountId: number,
  now = Date.now(),
): string | undefined {
  return db
    .select({ newEmail: emailChanges.newEmail })
    .from(emailChanges)
    .where(and(eq(emailChanges.accountId, accountId), gt(emailChanges.expiresAt, new Date(now))))
    .get()?.newEmail;
}
