import { randomBytes } from "node:crypto";
import argon2 from "argon2";

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

// A hash of a random secret nobody knows, made once per process with the same parameters as
// real ones. Logins that match no account are checked against it, so they cost the same argon2
// work as real ones and the answer's timing does not tell which handles and addresses exist.
let dummyHash: Promise<string> | undefined;

/** The stand-in hash checked for logins that match no account. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(32).toString("base64url"));
  return dummyHash;
}

/**
 * Checks a password against a stored hash, or against the stand-in hash when there is no
 * account (always false then), so both cases take the same time.
 */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  const against = hash ?? (await dummyPasswordHash());
  const ok = await argon2.verify(against, password).catch(() => false);
  return ok && hash !== undefined;
}
