import { and, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { accounts, actors, signupRequests } from "../db/schema/index.ts";
import {
  type AccountWithActor,
  checkNewAccount,
  emailHasAccount,
  hashPassword,
  insertAccount,
} from "./accounts.ts";
import { findLocalActor } from "./actors.ts";
import { wakeMailSender } from "./mail/delivery.ts";
import { queueMail } from "./mail/outbox.ts";
import { hashSecretToken, newSecretToken, SECRET_TOKEN_PATTERN } from "./secret-tokens.ts";
import { addressTakenMail, confirmationMail, type SignUpSite } from "./sign-up-mail.ts";

// Signing up on the web confirms the email address before an account exists. The form always
// ends the same way ("check your email"), whether the address is new or already has an
// account, so the form cannot be used to find out who has an account here; the owner of the
// address learns which it was from the mail. A new address gets a single-use link that expires;
// only the link's hash is stored, with the details typed and a hash of the password, and the
// account is created (and its owner signed in) when the link is used.

/** How long a confirmation link works. */
export const SIGN_UP_LINK_HOURS = 24;

/**
 * Handles a sign-up form: throws a ValidationError for problems anyone may be told about (a
 * taken handle, a weak password, a malformed address), and otherwise queues either a
 * confirmation link or, when the address already has an account, a note to its owner.
 * Returns the address the mail went to, for the "check your email" page.
 */
export async function requestSignUp(
  db: Db,
  site: SignUpSite,
  input: { handle: string; email: string; password: string; name?: string | undefined },
  now = Date.now(),
): Promise<{ email: string }> {
  const details = checkNewAccount(db, input, { emailTaken: "allowed" });
  // Hashed even when the address is taken and the hash is thrown away, so both answers take
  // the same time.
  const passwordHash = await hashPassword(input.password);
  db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    txDb
      .delete(signupRequests)
      .where(lte(signupRequests.expiresAt, new Date(now)))
      .run();
    const owner = txDb
      .select({ handle: actors.handle })
      .from(accounts)
      .innerJoin(actors, eq(accounts.actorId, actors.id))
      .where(eq(accounts.email, details.email))
      .get();
    if (owner) {
      queueMail(
        txDb,
        addressTakenMail(site, { to: details.email, handle: owner.handle }),
        site.origin,
      );
      return;
    }
    // One waiting sign-up per address: the newest link is the one that works.
    txDb.delete(signupRequests).where(eq(signupRequests.email, details.email)).run();
    const token = newSecretToken();
    txDb
      .insert(signupRequests)
      .values({
        tokenHash: hashSecretToken(token),
        ...details,
        passwordHash,
        createdAt: new Date(now),
        expiresAt: new Date(now + SIGN_UP_LINK_HOURS * 3_600_000),
      })
      .run();
    queueMail(
      txDb,
      confirmationMail(site, {
        to: details.email,
        handle: details.handle,
        link: `${site.origin}${signUpConfirmationPath(token)}`,
        validHours: SIGN_UP_LINK_HOURS,
      }),
      site.origin,
    );
  });
  wakeMailSender(db, now);
  return { email: details.email };
}

/** The path of the page a confirmation link opens. */
export function signUpConfirmationPath(token: string): string {
  return `/signup/confirm/${token}`;
}

/** A sign-up waiting for its link to be used. */
export interface PendingSignUp {
  handle: string;
  email: string;
  name: string;
}

/** The sign-up a link stands for, or undefined when it is malformed, unknown, used or expired. */
export function findPendingSignUp(
  db: Db,
  token: string,
  now = Date.now(),
): PendingSignUp | undefined {
  if (!SECRET_TOKEN_PATTERN.test(token)) return undefined;
  const row = db
    .select()
    .from(signupRequests)
    .where(
      and(
        eq(signupRequests.tokenHash, hashSecretToken(token)),
        gt(signupRequests.expiresAt, new Date(now)),
      ),
    )
    .get();
  return row ? { handle: row.handle, email: row.email, name: row.name } : undefined;
}

/** Why a confirmation link did not create an account. */
export type ConfirmationRefusal =
  /** The link is malformed, unknown, already used or expired. */
  | { reason: "invalid" }
  /** Someone else took the handle while the link waited. */
  | { reason: "handle-taken"; handle: string }
  /** The address got an account another way (an administrator made one) while the link waited. */
  | { reason: "email-taken" };

/**
 * Uses a confirmation link: creates the account (never an administrator) and returns it, or
 * says why not. The link is spent either way, in the same transaction, so it works only once.
 */
export function confirmSignUp(
  db: Db,
  origin: string,
  token: string,
  now = Date.now(),
): AccountWithActor | ConfirmationRefusal {
  if (!SECRET_TOKEN_PATTERN.test(token)) return { reason: "invalid" };
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const row = txDb
      .delete(signupRequests)
      .where(eq(signupRequests.tokenHash, hashSecretToken(token)))
      .returning()
      .get();
    if (!row || row.expiresAt.getTime() <= now) return { reason: "invalid" } as const;
    if (findLocalActor(txDb, row.handle))
      return { reason: "handle-taken", handle: row.handle } as const;
    if (emailHasAccount(txDb, row.email)) return { reason: "email-taken" } as const;
    return insertAccount(txDb, origin, {
      handle: row.handle,
      email: row.email,
      name: row.name,
      passwordHash: row.passwordHash,
      isAdmin: false,
    });
  });
}
