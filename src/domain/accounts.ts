import { and, eq, isNull, lt, not, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { cachedUntilChange } from "../db/generation.ts";
import { preparedQuery } from "../db/prepared.ts";
import { accounts, actors, sessions, setupTokens } from "../db/schema/index.ts";
import { type ActorRow, findLocalActor, handleProblem, insertLocalActor } from "./actors.ts";
import { type FieldError, SuspendedError, ValidationError } from "./errors.ts";
import { hashPassword, passwordProblems, verifyPassword } from "./passwords.ts";
import { personPagePath } from "./paths.ts";
import { hashSecretToken, newSecretToken } from "./secret-tokens.ts";
import { releaseAttempt, reserveAttempt } from "./sign-in-throttle.ts";

export { hashPassword, passwordProblems } from "./passwords.ts";

/** A signed-in account together with its Person actor. */
export interface AccountWithActor {
  id: number;
  email: string;
  isAdmin: boolean;
  actor: ActorRow;
}

const SESSION_DAYS = 30;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A new account's details, normalised (handle and email in lower case, name defaulted). */
export interface NewAccountDetails {
  handle: string;
  email: string;
  name: string;
}

/**
 * Checks the details of a new account and returns them normalised, or throws a ValidationError
 * carrying every problem. With `emailTaken: "allowed"` an address that already has an account
 * is not reported, for sign-up, which must not tell strangers which addresses have accounts.
 */
export function checkNewAccount(
  db: Db,
  input: { handle: string; email: string; password: string; name?: string | undefined },
  options: { emailTaken: "error" | "allowed" } = { emailTaken: "error" },
): NewAccountDetails {
  const handle = input.handle.trim().toLowerCase();
  const email = input.email.trim().toLowerCase();
  const errors: FieldError[] = [];
  const problem = handleProblem(handle);
  if (problem) errors.push({ field: "handle", message: problem });
  else if (findLocalActor(db, handle)) {
    errors.push({ field: "handle", message: `The handle "${handle}" is already taken` });
  }
  if (!EMAIL_PATTERN.test(email) || email.length > 254) {
    errors.push({ field: "email", message: "Enter an email address like name@council.gov.uk" });
  } else if (options.emailTaken === "error" && emailHasAccount(db, email)) {
    errors.push({ field: "email", message: "An account with this email address already exists" });
  }
  for (const message of passwordProblems(input.password, handle, email)) {
    errors.push({ field: "password", message });
  }
  const name = (input.name ?? "").trim() || handle;
  if (name.length > 100)
    errors.push({ field: "name", message: "Name must be 100 characters or fewer" });
  if (errors.length > 0) throw new ValidationError(errors);
  return { handle, email, name };
}

/** Whether an (already normalised) email address belongs to an account. */
export function emailHasAccount(db: Db, email: string): boolean {
  return (
    db.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, email)).get() !==
    undefined
  );
}

/**
 * Inserts an account and its Person actor from checked details and a password hash. Call it
 * inside a transaction that has just made sure the handle and address are still free. An
 * administrator ends the first-run state, so any set-up link left over stops working.
 */
export function insertAccount(
  db: Db,
  origin: string,
  details: NewAccountDetails & { passwordHash: string; isAdmin: boolean },
): AccountWithActor {
  const actor = insertLocalActor(db, origin, {
    type: "Person",
    handle: details.handle,
    name: details.name,
    url: `${origin}${personPagePath(details.handle)}`,
  });
  const account = db
    .insert(accounts)
    .values({
      actorId: actor.id,
      email: details.email,
      passwordHash: details.passwordHash,
      isAdmin: details.isAdmin,
    })
    .returning()
    .get();
  if (details.isAdmin) db.delete(setupTokens).run();
  return { id: account.id, email: details.email, isAdmin: details.isAdmin, actor };
}

/**
 * Creates an account and its Person actor at once, for administrators and tests; people signing
 * up on the web confirm their address first (sign-up.ts). Only `admin: true` makes an admin.
 */
export async function createAccount(
  db: Db,
  origin: string,
  input: {
    handle: string;
    email: string;
    password: string;
    name?: string | undefined;
    admin?: boolean | undefined;
  },
): Promise<AccountWithActor> {
  const details = checkNewAccount(db, input);
  const passwordHash = await hashPassword(input.password);
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    // The hash took a while: someone may have taken the handle or address meanwhile.
    checkNewAccount(txDb, input);
    return insertAccount(txDb, origin, { ...details, passwordHash, isAdmin: input.admin === true });
  });
}

/** What was typed in a login box, normalised: trimmed, lower case, without a leading "@". */
export function normaliseLogin(handleOrEmail: string): string {
  return handleOrEmail.trim().toLowerCase().replace(/^@/, "");
}

/** Finds an account by its handle or email address. */
export function findAccount(db: Db, handleOrEmail: string): AccountWithActor | undefined {
  const key = normaliseLogin(handleOrEmail);
  const row = db
    .select({ account: accounts, actor: actors })
    .from(accounts)
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(or(eq(accounts.email, key), eq(actors.handle, key)))
    .get();
  if (!row) return undefined;
  return {
    id: row.account.id,
    email: row.account.email,
    isAdmin: row.account.isAdmin,
    actor: row.actor,
  };
}

/**
 * Checks a handle/email and password; returns undefined when the pair is wrong, and throws a
 * SuspendedError when it is right but an administrator has suspended the account (only someone
 * who knows the password learns that). Attempts are
 * counted per account (whichever way it was named) and per client before the password is
 * checked, and logins that match no account are checked against a stand-in hash, so neither
 * parallel guessing nor timing gets an attacker anywhere (see sign-in-throttle.ts).
 */
export async function authenticate(
  db: Db,
  handleOrEmail: string,
  password: string,
  clientKey: string,
  now = Date.now(),
): Promise<AccountWithActor | undefined> {
  const login = normaliseLogin(handleOrEmail);
  const found = db
    .select({ hash: accounts.passwordHash, id: accounts.id, suspendedAt: accounts.suspendedAt })
    .from(accounts)
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(or(eq(accounts.email, login), eq(actors.handle, login)))
    .get();
  const keys = {
    account: found ? `account:${found.id}` : `login:${login}`,
    client: `client:${clientKey}`,
  };
  reserveAttempt(db, keys, now);
  const right = await verifyPassword(found?.hash, password);
  if (!right || !found) return undefined;
  releaseAttempt(db, keys);
  if (found?.suspendedAt) throw new SuspendedError();
  db.update(accounts)
    .set({ lastSignInAt: new Date(now) })
    .where(eq(accounts.id, found.id))
    .run();
  return findAccount(db, login);
}

/** Starts a session for an account and returns the secret token for the cookie. */
export function createSession(db: Db, accountId: number, now = Date.now()): string {
  const token = newSecretToken();
  db.insert(sessions)
    .values({
      tokenHash: hashSecretToken(token),
      accountId,
      createdAt: new Date(now),
      expiresAt: new Date(now + SESSION_DAYS * 86_400_000),
    })
    .run();
  return token;
}

/** Returns the account behind a session token, or undefined when it is unknown or expired. */
export function accountForSession(
  db: Db,
  token: string,
  now = Date.now(),
): AccountWithActor | undefined {
  const tokenHash = hashSecretToken(token);
  const row = sessionRows(db, tokenHash, () => sessionAccount(db).get({ tokenHash }));
  if (!row) return undefined;
  if (row.session.expiresAt.getTime() <= now) {
    db.delete(sessions).where(eq(sessions.tokenHash, row.session.tokenHash)).run();
    return undefined;
  }
  return {
    id: row.account.id,
    email: row.account.email,
    isAdmin: row.account.isAdmin,
    actor: { ...row.actor },
  };
}

// Every signed-in request asks, so the query is prepared once, and its answer is kept until the
// database changes (src/db/generation.ts): whatever would change it (signing out, a suspension,
// an edited profile) is such a change. The expiry is checked above on every request. The actor
// is copied out, since requests share the kept row.
const sessionRows = cachedUntilChange<string, ReturnType<ReturnType<typeof sessionAccount>["get"]>>(
  2_000,
);

const sessionAccount = preparedQuery((db) =>
  db
    .select({ session: sessions, account: accounts, actor: actors })
    .from(sessions)
    .innerJoin(accounts, eq(sessions.accountId, accounts.id))
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    // A suspended account's sessions are deleted when it is suspended; the check here is a
    // second lock in case a session is made in the same moment.
    .where(and(eq(sessions.tokenHash, sql.placeholder("tokenHash")), isNull(accounts.suspendedAt)))
    .prepare(),
);

/** Ends a session. */
export function deleteSession(db: Db, token: string): void {
  db.delete(sessions)
    .where(eq(sessions.tokenHash, hashSecretToken(token)))
    .run();
}

/** Ends every session of an account, except the one given (the person's own, when they act). */
export function endSessions(db: Db, accountId: number, exceptToken?: string): number {
  const keep =
    exceptToken === undefined
      ? undefined
      : not(eq(sessions.tokenHash, hashSecretToken(exceptToken)));
  return db
    .delete(sessions)
    .where(and(eq(sessions.accountId, accountId), keep))
    .run().changes;
}

/** Removes expired sessions; run now and then. */
export function purgeExpiredSessions(db: Db, now = Date.now()): number {
  return db
    .delete(sessions)
    .where(lt(sessions.expiresAt, new Date(now)))
    .run().changes;
}
