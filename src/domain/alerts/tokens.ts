import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { alertTokens } from "../../db/schema/index.ts";
import { hashSecretToken, newSecretToken, SECRET_TOKEN_PATTERN } from "../secret-tokens.ts";
import { describeTopic } from "./labels.ts";
import { alertChoices, setFrequency } from "./settings.ts";
import { parseTopic } from "./topics.ts";

// One-click unsubscribe (RFC 8058): every alert mail carries a link with a random token that
// stands for one person and one topic. The token is the credential, so only its hash is kept:
// someone who reads the database cannot unsubscribe people.

/** The shape of a token in a link; anything else is refused before the database is asked. */
export const TOKEN_PATTERN = SECRET_TOKEN_PATTERN;

/** Makes a new unsubscribe token for a person's topic and returns it (shown once, in a mail). */
export function createUnsubscribeToken(db: Db, personId: number, topic: string): string {
  const token = newSecretToken();
  db.insert(alertTokens)
    .values({ tokenHash: hashSecretToken(token), personId, topic, createdAt: Date.now() })
    .run();
  return token;
}

/** What an unsubscribe token stands for. */
export interface Unsubscription {
  personId: number;
  topic: string;
  /** The topic's name, e.g. "Forum news from Garden". */
  label: string;
}

/** Looks a token up; undefined when it is malformed or unknown. */
export function findUnsubscription(db: Db, token: string): Unsubscription | undefined {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const row = db
    .select()
    .from(alertTokens)
    .where(eq(alertTokens.tokenHash, hashSecretToken(token)))
    .get();
  if (!row || !parseTopic(row.topic)) return undefined;
  return { personId: row.personId, topic: row.topic, label: describeTopic(db, row.topic) };
}

/**
 * Switches off what a token stands for: one topic, or for a digest's link every topic that
 * digest currently carries. Pending entries of those topics are then left out of digests too.
 * Returns what was switched off, or undefined for an unknown token.
 */
export function unsubscribe(db: Db, token: string): Unsubscription | undefined {
  const found = findUnsubscription(db, token);
  if (!found) return undefined;
  const parsed = parseTopic(found.topic)!;
  db.transaction(() => {
    if (parsed.kind !== "digest") {
      setFrequency(db, found.personId, found.topic, "off");
      return;
    }
    const choices = alertChoices(db, found.personId);
    for (const choice of [...choices.personal, ...choices.communities.flatMap((c) => c.choices)]) {
      if (choice.frequency === parsed.frequency) {
        setFrequency(db, found.personId, choice.topic, "off");
      }
    }
  });
  return found;
}
