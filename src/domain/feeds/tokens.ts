import { randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { feedTokens } from "../../db/schema/index.ts";

// A feed token is a person's secret in the address of their private feeds (private communities'
// sections and "activity in my communities"), like a calendar's secret address: feed readers
// cannot sign in, so whoever holds the link reads what its owner may see. 32 random bytes
// (43 URL-safe characters) cannot be guessed. The token is stored as it is because the person's
// feed links page shows it on every visit; revoking it at once replaces it with a new one.

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * How many leading characters serve as a look-up key. The database finds candidates by this
 * prefix and the whole token is then compared in constant time, so how long a request takes
 * never tells a guesser how much of a token they got right.
 */
const SELECTOR_LENGTH = 12;

/** A row of the feed_tokens table. */
export type FeedTokenRow = typeof feedTokens.$inferSelect;

/** Whether a token still works at a moment: not revoked and not expired. */
function isLive(row: FeedTokenRow, now: number): boolean {
  return row.revokedAt === null && (row.expiresAt === null || row.expiresAt > now);
}

function newToken(db: Db, personId: number, now: number): string {
  const token = randomBytes(32).toString("base64url");
  db.insert(feedTokens).values({ token, personId, createdAt: now }).run();
  return token;
}

/** The person's working feed token, made on first use. */
export function feedTokenFor(db: Db, personId: number, now = Date.now()): string {
  const live = db
    .select()
    .from(feedTokens)
    .where(and(eq(feedTokens.personId, personId), isNull(feedTokens.revokedAt)))
    .all()
    .filter((row) => isLive(row, now))
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  return live?.token ?? newToken(db, personId, now);
}

/** Revokes every token the person has, at once, and returns a fresh one. */
export function replaceFeedToken(db: Db, personId: number, now = Date.now()): string {
  return db.transaction((tx) => {
    tx.update(feedTokens)
      .set({ revokedAt: now })
      .where(and(eq(feedTokens.personId, personId), isNull(feedTokens.revokedAt)))
      .run();
    return newToken(tx as unknown as Db, personId, now);
  });
}

/** The person a feed token belongs to, or null when it is malformed, unknown, revoked or expired. */
export function personForFeedToken(db: Db, token: string, now = Date.now()): number | null {
  if (!TOKEN_PATTERN.test(token)) return null;
  const selector = token.slice(0, SELECTOR_LENGTH);
  // "~" sorts after every URL-safe base64 character, so this range is "starts with selector"
  // and the primary key index answers it.
  const candidates = db.$client
    .prepare(
      `SELECT token, person_id AS personId, created_at AS createdAt, revoked_at AS revokedAt,
         expires_at AS expiresAt FROM feed_tokens WHERE token >= ? AND token < ?`,
    )
    .all(selector, `${selector}~`) as FeedTokenRow[];
  const given = Buffer.from(token);
  const match = candidates.find((row) => {
    const stored = Buffer.from(row.token);
    return stored.length === given.length && timingSafeEqual(stored, given);
  });
  return match && isLive(match, now) ? match.personId : null;
}
