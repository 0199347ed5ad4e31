import { createHash, randomBytes } from "node:crypto";
import argon2 from "argon2";
import { count, eq, lt, or } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { accounts, actors, loginAttempts, sessions } from "../db/schema/index.ts";
import { type ActorRow, findLocalActor, handleProblem, insertLocalActor } from "./actors.ts";
import { type FieldError, ThrottledError, ValidationError } from "./errors.ts";
import { personPagePath } from "./paths.ts";

/** A signed-in account together with its Person actor. */
export interface AccountWithActor {
  id: number;
  email: string;
  isAdmin: boolean;
  actor: ActorRow;
}

// OWASP's second argon2id configuration (19 MiB, 2 passes): strong, yet fast enough that
// sign-in stays quick on a small council server.
const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;
const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 256;
const COMMON_PASSWORDS = new Set([
  "password",
  "password1",
  "password12",
  "password123",
  "passw0rd",
  "1234567890",
  "12345678910",
  "qwertyuiop",
  "iloveyou12",
  "letmein123",
  "welcome123",
  "administrator",
  "changeme123",
]);
const SESSION_DAYS = 30;
const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES_PER_HANDLE = 5;
const MAX_FAILURES_PER_CLIENT = 20;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Returns the problems with a proposed password (empty when it is acceptable). */
export function passwordProblems(password: string, handle: string, email: string): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push(`Password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  } else if (password.length > MAX_PASSWORD_LENGTH) {
    problems.push(`Password must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  }
  const lower = password.toLowerCase();
  if (
    COMMON_PASSWORDS.has(lower) ||
    /^(.)\1+$/.test(password) ||
    (handle && lower.includes(handle.toLowerCase())) ||
    (email && lower === email.toLowerCase())
  ) {
    problems.push("Password is too easy to guess; avoid common words, your handle and repeats");
  }
  return problems;
}

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** Creates an account and its Person actor; the first account on an instance becomes its admin. */
export async function createAccount(
  db: Db,
  origin: string,
  input: { handle: string; email: string; password: string; name?: string; admin?: boolean },
): Promise<AccountWithActor> {
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
  } else if (db.select().from(accounts).where(eq(accounts.email, email)).get()) {
    errors.push({ field: "email", message: "An account with this email address already exists" });
  }
  for (const message of passwordProblems(input.password, handle, email)) {
    errors.push({ field: "password", message });
  }
  const name = (input.name ?? "").trim() || handle;
  if (name.length > 100)
    errors.push({ field: "name", message: "Name must be 100 characters or fewer" });
  if (errors.length > 0) throw new ValidationError(errors);

  const passwordHash = await hashPassword(input.password);
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const isFirst = (txDb.select({ n: count() }).from(accounts).get()?.n ?? 0) === 0;
    const actor = insertLocalActor(txDb, origin, {
      type: "Person",
      handle,
      name,
      url: `${origin}${personPagePath(handle)}`,
    });
    const isAdmin = isFirst || input.admin === true;
    const account = txDb
      .insert(accounts)
      .values({ actorId: actor.id, email, passwordHash, isAdmin })
      .returning()
      .get();
    return { id: account.id, email, isAdmin, actor };
  });
}

/** Finds an account by its handle or email address. */
export function findAccount(db: Db, handleOrEmail: string): AccountWithActor | undefined {
  const key = handleOrEmail.trim().toLowerCase().replace(/^@/, "");
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
 * Checks a handle/email and password. Throttles repeated failures per account and per client
 * so passwords cannot be guessed quickly; returns undefined when the pair is wrong.
 */
export async function authenticate(
  db: Db,
  handleOrEmail: string,
  password: string,
  clientKey: string,
  now = Date.now(),
): Promise<AccountWithActor | undefined> {
  const userKey = `user:${handleOrEmail.trim().toLowerCase()}`;
  const ipKey = `client:${clientKey}`;
  assertNotThrottled(db, userKey, MAX_FAILURES_PER_HANDLE, now);
  assertNotThrottled(db, ipKey, MAX_FAILURES_PER_CLIENT, now);
  const found = db
    .select({ hash: accounts.passwordHash, id: accounts.id })
    .from(accounts)
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(
      or(
        eq(accounts.email, handleOrEmail.trim().toLowerCase()),
        eq(actors.handle, handleOrEmail.trim().toLowerCase().replace(/^@/, "")),
      ),
    )
    .get();
  const ok = found ? await argon2.verify(found.hash, password).catch(() => false) : false;
  if (!ok) {
    recordFailure(db, userKey, now);
    recordFailure(db, ipKey, now);
    return undefined;
  }
  db.delete(loginAttempts).where(eq(loginAttempts.key, userKey)).run();
  return findAccount(db, handleOrEmail);
}

function assertNotThrottled(db: Db, key: string, max: number, now: number): void {
  const row = db.select().from(loginAttempts).where(eq(loginAttempts.key, key)).get();
  if (!row) return;
  const elapsed = now - row.windowStart.getTime();
  if (elapsed < THROTTLE_WINDOW_MS && row.failures >= max) {
    throw new ThrottledError((THROTTLE_WINDOW_MS - elapsed) / 1000);
  }
}

function recordFailure(db: Db, key: string, now: number): void {
  const row = db.select().from(loginAttempts).where(eq(loginAttempts.key, key)).get();
  if (!row || now - row.windowStart.getTime() >= THROTTLE_WINDOW_MS) {
    db.insert(loginAttempts)
      .values({ key, failures: 1, windowStart: new Date(now) })
      .onConflictDoUpdate({
        target: loginAttempts.key,
        set: { failures: 1, windowStart: new Date(now) },
      })
      .run();
  } else {
    db.update(loginAttempts)
      .set({ failures: row.failures + 1 })
      .where(eq(loginAttempts.key, key))
      .run();
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Starts a session for an account and returns the secret token for the cookie. */
export function createSession(db: Db, accountId: number, now = Date.now()): string {
  const token = randomBytes(32).toString("base64url");
  db.insert(sessions)
    .values({
      tokenHash: hashToken(token),
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
  const row = db
    .select({ session: sessions, account: accounts, actor: actors })
    .from(sessions)
    .innerJoin(accounts, eq(sessions.accountId, accounts.id))
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(eq(sessions.tokenHash, hashToken(token)))
    .get();
  if (!row) return undefined;
  if (row.session.expiresAt.getTime() <= now) {
    db.delete(sessions).where(eq(sessions.tokenHash, row.session.tokenHash)).run();
    return undefined;
  }
  return {
    id: row.account.id,
    email: row.account.email,
    isAdmin: row.account.isAdmin,
    actor: row.actor,
  };
}

/** Ends a session. */
export function deleteSession(db: Db, token: string): void {
  db.delete(sessions)
    .where(eq(sessions.tokenHash, hashToken(token)))
    .run();
}

/** Removes expired sessions; run now and then. */
export function purgeExpiredSessions(db: Db, now = Date.now()): number {
  return db
    .delete(sessions)
    .where(lt(sessions.expiresAt, new Date(now)))
    .run().changes;
}
