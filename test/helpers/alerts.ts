import type { Db } from "../../src/db/client.ts";
import { alertEntries } from "../../src/db/schema/index.ts";
import { AlertLookups } from "../../src/domain/alerts/lookups.ts";
import { lastNewsId, newsForDigest } from "../../src/domain/alerts/news-digest.ts";

/**
 * What people are to be told, as "handle topic subject frequency" lines, sorted: their entries
 * (personal news, waiting or mailed) and the community news waiting for their digests, which
 * has no row per person (src/domain/alerts/news.ts). Immediate community news is in the outbox.
 */
export function alertsOf(db: Db, people: { actor: { id: number; handle: string } }[]): string[] {
  const handles = new Map(people.map((p) => [p.actor.id, p.actor.handle]));
  const lines = db
    .select()
    .from(alertEntries)
    .all()
    .map((e) => `${handles.get(e.personId) ?? e.personId} ${e.topic} ${e.subject} ${e.frequency}`);
  const upTo = lastNewsId(db);
  for (const [id, handle] of handles) {
    for (const frequency of ["daily", "weekly"] as const) {
      for (const e of newsForDigest(db, new AlertLookups(db), id, frequency, upTo)) {
        lines.push(`${handle} ${e.topic} ${e.subject} ${e.frequency}`);
      }
    }
  }
  return lines.sort();
}
