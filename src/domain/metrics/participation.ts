import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  DAY_MS,
  inScope,
  type MetricsScope,
  scopedItems,
  scopedMembers,
  scopedWikiEdits,
} from "./scope.ts";

/**
 * The "1% / 10% / 89%" view of a community over a period: of its active members, how many
 * started something (creators), how many only answered, edited or voted (contributors), and how
 * many did none of these (readers). The three always add up to `members`.
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
  return participationOver(db, scope, now, [days])[0]!;
}

/**
 * The split of `participation` for several periods at once (in the order given), from one walk
 * over the longest of them.
 */
export function participationOver(
  db: Db,
  scope: MetricsScope,
  now: number,
  periods: readonly number[],
): Participation[] {
  if (periods.length === 0) return [];
  const since = now - Math.max(...periods) * DAY_MS;
  // Starting something (a topic, blog entry, wiki page, event, document or poll) makes a
  // creator; replies, comments, wiki edits (revisions after the first) and votes in the scope's
  // polls a contributor. So each person needs only two times: their last act of any kind and
  // their last start. A person was a creator over a period if their last start falls in it, and
  // a contributor if only their last act does. `latest` is materialized so that membership is
  // tested once per person after grouping: left to itself, SQLite pushes the test into each
  // branch of `acts` and reads every member's whole history through items_author_idx. The
  // CROSS JOIN keeps the votes first (on SQLite; PostgreSQL plans joins itself), so a period's votes come from poll_votes_created_idx
  // rather than from every poll ever made and all of its votes.
  const rows = db.all<{ period: number; members: number; creators: number; contributors: number }>(
    sql`
    WITH ${scopedItems(scope, since, now)}, ${scopedMembers(scope)}, acts AS (
      SELECT s.author_id AS id, s.published_at AS at,
        CASE WHEN s.kind <> 'reply' THEN 1 ELSE 0 END AS creating FROM scoped s
      UNION ALL
      SELECT e.author, e.at, 0 FROM (${scopedWikiEdits(scope, since, now)}) e
      UNION ALL
      SELECT v.voter_id, v.created_at, 0
      FROM poll_votes v CROSS JOIN items p ON p.id = v.item_id
      WHERE v.created_at >= ${since} AND v.created_at < ${now}
        AND p.kind = 'poll' AND p.deleted_at IS NULL AND p.status = 'published'
        AND ${inScope(scope, sql`p.id`)}
    ), latest AS MATERIALIZED (
      SELECT id, max(at) AS acted, max(CASE WHEN creating = 1 THEN at END) AS started
      FROM acts GROUP BY id
    ), active AS (
      SELECT acted, started FROM latest WHERE id IN (SELECT id FROM members)
    ), periods (period, since) AS (
      VALUES ${sql.join(
        // Typed, since PostgreSQL reads a bare parameter in VALUES as text.
        periods.map(
          (days, index) => sql`(CAST(${index} AS BIGINT), CAST(${now - days * DAY_MS} AS BIGINT))`,
        ),
        sql`, `,
      )}
    )
    SELECT p.period, (SELECT count(*) FROM members) AS members,
           coalesce(sum(CASE WHEN a.started >= p.since THEN 1 ELSE 0 END), 0) AS creators,
           coalesce(sum(CASE WHEN a.acted >= p.since
             AND (a.started IS NULL OR a.started < p.since) THEN 1 ELSE 0 END), 0) AS contributors
    FROM periods p LEFT JOIN active a ON true GROUP BY p.period`,
  );
  return periods.map((days, index) => {
    const row = rows.find((r) => r.period === index);
    const members = row?.members ?? 0;
    const creators = row?.creators ?? 0;
    const contributors = row?.contributors ?? 0;
    return { days, members, creators, contributors, readers: members - creators - contributors };
  });
}

/** A count as a whole-number percentage of a total ("0%" when the total is 0). */
export function percentOf(count: number, total: number): string {
  return `${total === 0 ? 0 : Math.round((count / total) * 100)}%`;
}
