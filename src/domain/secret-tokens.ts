import { createHash, randomBytes } from "node:crypto";

// Secrets handed out once (session cookies, links in mails, the set-up link) are 32 random
// bytes in base64url. Only their SHA-256 hash is stored, so someone who reads the database
// cannot use them; SHA-256 is enough because the secrets are random, not chosen by people.

/** The shape of a token in a link; anything else is refused before the database is asked. */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Makes a new random token (43 base64url characters). */
export function newSecretToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The hash under which a token is stored and looked up. */
export function hashSecretToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
