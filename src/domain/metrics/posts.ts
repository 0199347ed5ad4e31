import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { DAY_MS, type MetricsScope, scopedItems, scopedWikiEdits, WEEK_MS } from "./scope.ts";

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
  // One walk over the period and one grouping by week give every figure: a sum per section
  // and the distinct authors. (Counting per week and section, then authors per week, walked
  // and sorted the period twice.) A reply whose thread has no section counts as no section's
  // post, but its author still counts.
  const perSection = sql.join(
    POST_SECTIONS.map((section) => sql`sum(section = ${section}) AS ${sql.identifier(section)}`),
    sql`, `,
  );
  const rows = db.all<{ week: number; authors: number } & Record<PostSection, number | null>>(sql`
    WITH ${scopedItems(scope, from, now)}, activity AS (
      SELECT s.published_at AS at, ${SECTION_OF_ROOT_KIND} AS section, s.author_id AS author
      FROM scoped s JOIN items r ON r.id = coalesce(s.root_id, s.id)
      UNION ALL
      SELECT e.at, 'wiki', e.author FROM (${scopedWikiEdits(scope, from, now)}) e
    )
    SELECT CAST((at - ${from}) / ${WEEK_MS} AS INTEGER) AS week,
           count(DISTINCT author) AS authors, ${perSection}
    FROM activity GROUP BY week`);
  const result: WeekOfPosts[] = Array.from({ length: weeks }, (_, index) => ({
    start: new Date(from + index * WEEK_MS),
    bySection: Object.fromEntries(POST_SECTIONS.map((s) => [s, 0])) as Record<PostSection, number>,
    total: 0,
    authors: 0,
  }));
  for (const row of rows) {
    const week = result[row.week];
    if (!week) continue;
    week.authors = row.authors;
    for (const section of POST_SECTIONS) {
      // sum() is null for a week whose only rows have no section.
      const posts = row[section] ?? 0;
      week.bySection[section] = posts;
      week.total += posts;
    }
  }
  return result;
}
