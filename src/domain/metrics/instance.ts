import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { DAY_MS } from "./scope.ts";

/** The instance's size: its own accounts and communities, and the fediverse it knows. */
export interface InstanceTotals {
  localAccounts: number;
  localCommunities: number;
  /** Actors (people, groups, services) from other servers this instance has met. */
  remoteActors: number;
  /** Distinct hosts those actors live on. */
  knownInstances: number;
}

/** One local community's row in the instance metrics. */
export interface CommunityFigures {
  handle: string;
  name: string;
  visibility: "public" | "private";
  stage: string;
  members: number;
  /** Posts, replies, comments and wiki edits in the last 30 days. */
  recentPosts: number;
}

/** Counts local accounts and communities, remote actors and the instances they come from. */
export function instanceTotals(db: Db): InstanceTotals {
  const row = db.get<InstanceTotals>(sql`
    SELECT (SELECT count(*) FROM accounts) AS localAccounts,
           (SELECT count(*) FROM communities) AS localCommunities,
           count(*) AS remoteActors,
           count(DISTINCT host) AS knownInstances
    FROM actors WHERE is_local = 0`);
  return row ?? { localAccounts: 0, localCommunities: 0, remoteActors: 0, knownInstances: 0 };
}

/** Every local community with its active members and its posts in the last 30 days, by name. */
export function communityFigures(db: Db, now: number): CommunityFigures[] {
  const since = now - 30 * DAY_MS;
  return db.all<CommunityFigures>(sql`
    SELECT a.handle, a.name, c.visibility, c.stage,
           coalesce(m.n, 0) AS members, coalesce(p.n, 0) AS recentPosts
    FROM communities c
    JOIN actors a ON a.id = c.actor_id
    LEFT JOIN (
      SELECT group_id, count(*) AS n FROM memberships WHERE state = 'active' GROUP BY group_id
    ) m ON m.group_id = c.actor_id
    LEFT JOIN (
      SELECT group_id, count(*) AS n FROM (
        SELECT g.group_id FROM item_groups g JOIN items i ON i.id = g.item_id
        WHERE i.deleted_at IS NULL AND i.status = 'published'
          AND i.published_at >= ${since} AND i.published_at < ${now}
        UNION ALL
        SELECT g.group_id FROM wiki_revisions w
        JOIN items i ON i.id = w.item_id JOIN item_groups g ON g.item_id = w.item_id
        WHERE w.number > 1 AND i.deleted_at IS NULL
          AND w.created_at >= ${since} AND w.created_at < ${now}
      ) GROUP BY group_id
    ) p ON p.group_id = c.actor_id
    ORDER BY a.name COLLATE NOCASE, a.handle`);
}
