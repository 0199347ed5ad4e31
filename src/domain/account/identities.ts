import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accountIdentities, accounts } from "../../db/schema/index.ts";
import { type AccountWithActor, findAccount, hashPassword, insertAccount } from "../accounts.ts";
import { findLocalActor, handleProblem } from "../actors.ts";

/** What the identity provider said about the person, from the ID token and userinfo. */
export interface ProviderClaims {
  issuer: string;
  subject: string;
  email?: string | undefined;
  /** True only when the provider said `email_verified: true`. */
  emailVerified: boolean;
  name?: string | undefined;
  preferredUsername?: string | undefined;
}

/** How this instance treats people arriving from the provider (from the configuration). */
export interface IdentityPolicy {
  createAccounts: boolean;
  emailDomains: string[];
}

/** Why a provider's sign-in was not accepted; each comes with a message for the person. */
export type IdentityRefusal =
  | "email-unverified"
  | "domain-not-allowed"
  | "no-account"
  | "suspended"
  | "handle-unavailable";

/** The outcome of a sign-in through the provider. */
export type IdentityOutcome =
  | { account: AccountWithActor; how: "known" | "linked" | "created" }
  | { refused: IdentityRefusal; message: string };

const MESSAGES: Record<IdentityRefusal, string> = {
  "email-unverified":
    "Your organisation's sign-in did not confirm your email address, so it cannot be matched to an account here. Sign in with your password, or ask your IT team to confirm your address.",
  "domain-not-allowed":
    "Your organisation's sign-in gave an email address this instance does not accept. Sign in with your password instead.",
  "no-account":
    "There is no account here for your email address yet. Ask an administrator to invite you, then sign in again.",
  suspended: "This account has been suspended. Contact an administrator.",
  "handle-unavailable":
    "An account could not be made from the name your organisation gave. Ask an administrator to invite you.",
};

function refuse(reason: IdentityRefusal): IdentityOutcome {
  return { refused: reason, message: MESSAGES[reason] };
}

/**
 * Finds or makes the account for a person the provider has signed in. A known (issuer, subject)
 * signs in to its account; otherwise the person's address must be verified by the provider and
 * in an allowed domain, and then it links to the account with that address or, if the policy
 * allows, a new one. An unverified address never links: anyone can put any address in some
 * providers' profiles, and linking on it would hand them that person's account.
 */
export async function signInWithIdentity(
  db: Db,
  origin: string,
  claims: ProviderClaims,
  policy: IdentityPolicy,
  now = Date.now(),
): Promise<IdentityOutcome> {
  const email = claims.email?.trim().toLowerCase() || undefined;
  if (policy.emailDomains.length > 0) {
    const domain = email?.split("@")[1];
    if (!domain || !policy.emailDomains.includes(domain)) return refuse("domain-not-allowed");
  }
  const known = db
    .select({ accountId: accountIdentities.accountId })
    .from(accountIdentities)
    .where(
      and(
        eq(accountIdentities.issuer, claims.issuer),
        eq(accountIdentities.subject, claims.subject),
      ),
    )
    .get();
  if (known) {
    db.update(accountIdentities)
      .set({ lastUsedAt: new Date(now), email: email ?? "" })
      .where(
        and(
          eq(accountIdentities.issuer, claims.issuer),
          eq(accountIdentities.subject, claims.subject),
        ),
      )
      .run();
    return finish(db, known.accountId, "known", now);
  }
  if (!email || !claims.emailVerified) return refuse("email-unverified");

  const existing = findAccount(db, email);
  if (existing && existing.email === email) {
    link(db, existing.id, claims, email, now);
    return finish(db, existing.id, "linked", now);
  }
  if (!policy.createAccounts) return refuse("no-account");

  const handle = freeHandle(db, claims.preferredUsername, email);
  if (!handle) return refuse("handle-unavailable");
  // The person signs in through the provider; a random password they never see keeps the
  // password form closed to them until they choose one with "Forgot your password?".
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  const created = db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    if (findLocalActor(txDb, handle) || findAccount(txDb, email)) return undefined;
    const account = insertAccount(txDb, origin, {
      handle,
      email,
      name: (claims.name ?? "").trim().slice(0, 100) || handle,
      passwordHash,
      isAdmin: false,
    });
    link(txDb, account.id, claims, email, now);
    return account;
  });
  if (!created) return refuse("handle-unavailable");
  return finish(db, created.id, "created", now);
}

function link(db: Db, accountId: number, claims: ProviderClaims, email: string, now: number) {
  db.insert(accountIdentities)
    .values({
      accountId,
      issuer: claims.issuer,
      subject: claims.subject,
      email,
      createdAt: new Date(now),
      lastUsedAt: new Date(now),
    })
    .run();
}

function finish(
  db: Db,
  accountId: number,
  how: "known" | "linked" | "created",
  now: number,
): IdentityOutcome {
  const row = db.select().from(accounts).where(eq(accounts.id, accountId)).get();
  if (!row) return refuse("no-account");
  if (row.suspendedAt) return refuse("suspended");
  db.update(accounts)
    .set({ lastSignInAt: new Date(now) })
    .where(eq(accounts.id, accountId))
    .run();
  const account = findAccount(db, row.email);
  return account ? { account, how } : refuse("no-account");
}

/**
 * A free handle made from the provider's username or the address's local part: lower case,
 * other characters as underscores, cut to fit, with a number added when it is taken.
 */
export function freeHandle(
  db: Db,
  preferred: string | undefined,
  email: string,
): string | undefined {
  for (const source of [preferred?.split("@")[0], email.split("@")[0]]) {
    const base = (source ?? "")
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 26);
    if (base.length < 2 || handleProblem(base)) continue;
    for (let n = 0; n < 100; n++) {
      const handle = n === 0 ? base : `${base}${n + 1}`;
      if (!handleProblem(handle) && !findLocalActor(db, handle)) return handle;
    }
  }
  return undefined;
}

/** The addresses by which the provider has signed an account in, for its account page. */
export function linkedIdentityEmails(db: Db, accountId: number): string[] {
  return db
    .select({ email: accountIdentities.email })
    .from(accountIdentities)
    .where(eq(accountIdentities.accountId, accountId))
    .all()
    .map((row) => row.email);
}
