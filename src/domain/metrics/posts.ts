import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { DAY_MS, type MetricsScope, scopedItems, scopeGroups, WEEK_MS } from "./scope.ts";

/** The sections posts are counted in, in the order the pages and the CSV list them. */
export const POST_SECTIONS = ["forum", "blog", "wiki", "events", "documents", "polls"] as const;

/** A section posts are counted in. */
export type PostSection = (typeof POST_SECTIONS)[number];

/** Posts in one week (Monday 00:00 UTC to the next Monday), per section and in all. */
export interface WeekOfPosts {
  /** The Monday the week starts on, at 00:00 UTC. */
  start: Date;
  bySection: Record<PostSection, number>;
  total: number;
  /** Different people who posted, replied or edited that week. */
  authors: number;
}

// Replies and comments count in the section of the thread they belong to, so the thread's root
// kind decides; wiki edits (revisions after the first) count in the wiki alongside new pages.
const SECTION_OF_ROOT_KIND = sql`CASE r.kind
  WHEN 'topic' THEN 'forum' WHEN 'entry' THEN 'blog' WHEN 'wiki' THEN 'wiki'
  WHEN 'event' THEN 'events' WHEN 'document' THEN 'documents' WHEN 'poll' THEN 'polls' END`;

/** Midnight UTC of the Monday of the week that contains `time`. */
export function weekStart(time: number): number {
  const day = new Date(time);
  day.setUTCHours(0, 0, 0, 0);
  // getUTCDay() is 0 on Sunday; Monday-based weeks count it as the seventh day.
  return day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS;
}

/**
 * Posts per section per week over the last `weeks` weeks, oldest first; the current week (so
 * far) is the last. Weeks start on Monday at 00:00 UTC so the figures do not move with the
 * reader's time zone.
 */
export function postsPerWeek(db: Db, scope: MetricsScope, now: number, weeks = 12): WeekOfPosts[] {
  const from = weekStart(now) - (weeks - 1) * WEEK_MS;
  const activity = sql`WITH ${scopedItems(scope)}, activity AS (
      SELECT ${SECTION_OF_ROOT_KIND} AS section, s.published_at AS at, s.author_id AS author
      FROM scoped s JOIN items r ON r.id = coalesce(s.root_id, s.id)
      WHERE s.published_at >= ${from} AND s.published_at < ${now}
      UNION ALL
      SELECT 'wiki', w.created_at, w.author_id
      FROM wiki_revisions w JOIN items p ON p.id = w.item_id
      WHERE w.number > 1 AND w.created_at >= ${from} AND w.created_at < ${now}
        AND p.deleted_at IS NULL
        AND p.id IN (SELECT item_id FROM item_groups WHERE group_id IN ${scopeGroups(scope)})
    )`;
  const counts = db.all<{ week: number; section: PostSection | null; posts: number }>(sql`
    ${activity}
    SELECT CAST((at - ${from}) / ${WEEK_MS} AS INTEGER) AS week, section, count(*) AS posts
    FROM activity GROUP BY week, section`);
  const authors = db.all<{ week: number; authors: number }>(sql`
    ${activity}
    SELECT CAST((at - ${from}) / ${WEEK_MS} AS INTEGER) AS week, count(DISTINCT author) AS authors
    FROM activity GROUP BY week`);
  const result: WeekOfPosts[] = Array.from({ length: weeks }, (_, index) => ({
    start: new Date(from + index * WEEK_MS),
    bySection: Object.fromEntries(POST_SECTIONS.map((s) => [s, 0])) as Record<PostSection, number>,
    total: 0,
    authors: 0,
  }));
  for (const row of counts) {
    const week = result[row.week];
    if (!week || !row.section) continue;
    week.bySection[row.section] += row.posts;
    week.total += row.posts;
  }
  for (const row of authors) {
    const week = result[row.week];
    if (week) week.authors = row.authors;
  }
  return result;
}
