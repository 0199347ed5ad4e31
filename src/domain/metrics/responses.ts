import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { DAY_MS, type MetricsScope, scopedItems } from "./scope.ts";

/** How well forum topics started in a period get answered. */
export interface ForumResponses {
  days: number;
  /** Topics started in the period. */
  topics: number;
  /** Of those, topics with at least one reply from someone other than the topic's author. */
  answered: number;
  /** Median time from a topic to its first reply by someone else, in ms; null if none answered. */
  medianFirstReplyMs: number | null;
}

/** Response rate and median time to first reply for forum topics started in the last `days` days. */
export function forumResponses(
  db: Db,
  scope: MetricsScope,
  now: number,
  days: number,
): ForumResponses {
  const since = now - days * DAY_MS;
  // One row per topic: how long until someone other than its author first replied (null when
  // nobody has). Replies by the author themself are follow-ups, not responses. The topics come
  // from the period's range of items_published_idx; the unary plus keeps SQLite from reading
  // every topic ever written through items_kind_activity_idx instead.
  const rows = db.all<{ wait: number | null }>(sql`
    WITH ${scopedItems(scope, since, now)}
    SELECT (
      SELECT min(r.published_at) FROM items r
      WHERE r.root_id = t.id AND r.kind = 'reply' AND r.author_id <> t.author_id
        AND r.deleted_at IS NULL AND r.status = 'published'
    ) - t.published_at AS wait
    FROM scoped t WHERE +t.kind = 'topic'`);
  const waits = rows
    .map((r) => r.wait)
    .filter((w): w is number => w !== null)
    .sort((a, b) => a - b);
  return { days, topics: rows.length, answered: waits.length, medianFirstReplyMs: median(waits) };
}

/** The median of numbers sorted ascending (the mean of the middle two for an even count). */
export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
