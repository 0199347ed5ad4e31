import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { DAY_MS, type MetricsScope, scopedItems, scopedMembers, scopeGroups } from "./scope.ts";

/**
 * The "1% / 10% / 89%" view of a community over a period: of its active members, how many
 * started something (creators), how many only answered or edited (contributors), and how many
 * posted nothing (readers). The three always add up to `members`.
 */
export interface Participation {
  days: number;
  members: number;
  creators: number;
  contributors: number;
  readers: number;
}

/** Splits the scope's members into creators, contributors and readers over the last `days` days. */
export function participation(
  db: Db,
  scope: MetricsScope,
  now: number,
  days: number,
): Participation {
  const since = now - days * DAY_MS;
  // Each member who did anything gets one row saying whether any of it was starting something:
  // a topic, blog entry, wiki page, event, document or poll. Replies, comments and wiki edits
  // (revisions after the first) make a contributor. Membership is tested with IN, which SQLite
  // answers from a temporary index; a join let it re-run `acts` once per member.
  const row = db.get<{ members: number; creators: number | null; contributors: number | null }>(sql`
    WITH ${scopedItems(scope)}, ${scopedMembers(scope)}, acts AS (
      SELECT s.author_id AS id, CASE WHEN s.kind = 'reply' THEN 0 ELSE 1 END AS creating
      FROM scoped s WHERE s.published_at >= ${since} AND s.published_at < ${now}
      UNION ALL
      SELECT w.author_id, 0
      FROM wiki_revisions w JOIN items p ON p.id = w.item_id
      WHERE w.number > 1 AND w.created_at >= ${since} AND w.created_at < ${now}
        AND p.deleted_at IS NULL
        AND p.id IN (SELECT item_id FROM item_groups WHERE group_id IN ${scopeGroups(scope)})
    ), active AS (
      SELECT a.id, max(a.creating) AS creating
      FROM acts a WHERE a.id IN (SELECT id FROM members) GROUP BY a.id
    )
    SELECT (SELECT count(*) FROM members) AS members,
           sum(creating) AS creators, sum(1 - creating) AS contributors
    FROM active`);
  const members = row?.members ?? 0;
  const creators = row?.creators ?? 0;
  const contributors = row?.contributors ?? 0;
  return { days, members, creators, contributors, readers: members - creators - contributors };
}

/** A count as a whole-number percentage of a total ("0%" when the total is 0). */
export function percentOf(count: number, total: number): string {
  return `${total === 0 ? 0 : Math.round((count / total) * 100)}%`;
}
