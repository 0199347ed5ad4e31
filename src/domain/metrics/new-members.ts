import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { weekStart } from "./posts.ts";
import { type MetricsScope, scopeGroups, WEEK_MS } from "./scope.ts";

/** How many people became members in one week (Monday 00:00 UTC to the next Monday). */
export interface WeekOfNewMembers {
  /** The Monday the week starts on, at 00:00 UTC. */
  start: Date;
  /** People who became active members that week, local and remote. */
  members: number;
}

/**
 * New members per week over the last `weeks` weeks, oldest first; the current week (so far) is
 * the last, as in postsPerWeek. A member counts in the week they became active: when their
 * request was accepted (a private community's facilitator may take days), or when they were
 * stored for rows kept without that time. Only people who are still members are counted, since
 * leaving removes the membership. Across the instance a person counts once, in the week of
 * their first membership of any of its communities.
 */
export function newMembersPerWeek(
  db: Db,
  scope: MetricsScope,
  now: number,
  weeks = 12,
): WeekOfNewMembers[] {
  const from = weekStart(now) - (weeks - 1) * WEEK_MS;
  const rows = db.all<{ week: number; members: number }>(sql`
    WITH firsts AS (
      SELECT member_id, min(coalesce(decided_at, created_at)) AS since
      FROM memberships
      WHERE state = 'active' AND group_id IN ${scopeGroups(scope)}
      GROUP BY member_id
    )
    SELECT CAST((since - ${from}) / ${WEEK_MS} AS INTEGER) AS week, count(*) AS members
    FROM firsts WHERE since >= ${from} AND since < ${now}
    GROUP BY week`);
  const result = Array.from({ length: weeks }, (_, index) => ({
    start: new Date(from + index * WEEK_MS),
    members: 0,
  }));
  for (const row of rows) {
    const week = result[row.week];
    if (week) week.members = row.members;
  }
  return result;
}
