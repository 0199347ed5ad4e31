import { and, asc, count, desc, eq, isNotNull, lt, lte, notInArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { cachedUntilChange } from "../../db/generation.ts";
import { newsEntries, newsFeeds } from "../../db/schema/index.ts";
import type { ParsedEntry } from "./parse.ts";

/** A news feed as stored. */
export type NewsFeedRow = typeof newsFeeds.$inferSelect;
/** A news entry as stored. */
export type NewsEntryRow = typeof newsEntries.$inferSelect;

/** A community's feeds, by title. */
export function listFeeds(db: Db, groupId: number): NewsFeedRow[] {
  return db
    .select()
    .from(newsFeeds)
    .where(eq(newsFeeds.groupId, groupId))
    .orderBy(asc(newsFeeds.title), asc(newsFeeds.id))
    .all();
}

/** One of a community's feeds, or undefined when the id names none of its feeds. */
export function findFeed(db: Db, groupId: number, feedId: number): NewsFeedRow | undefined {
  return db
    .select()
    .from(newsFeeds)
    .where(and(eq(newsFeeds.groupId, groupId), eq(newsFeeds.id, feedId)))
    .get();
}

/** The community's feed with this exact URL, if it already has one. */
export function findFeedByUrl(db: Db, groupId: number, url: string): NewsFeedRow | undefined {
  return db
    .select()
    .from(newsFeeds)
    .where(and(eq(newsFeeds.groupId, groupId), eq(newsFeeds.url, url)))
    .get();
}

/** Feeds due for a refresh, longest overdue first. */
export function dueFeeds(db: Db, now: number, limit: number): NewsFeedRow[] {
  return db
    .select()
    .from(newsFeeds)
    .where(lte(newsFeeds.nextFetchAt, now))
    .orderBy(asc(newsFeeds.nextFetchAt))
    .limit(limit)
    .all();
}

/** How many of a community's feeds are flagged as failing. */
export function flaggedFeedCount(db: Db, groupId: number): number {
  // Shown to facilitators on each page of the community, so kept until the database changes.
  return flaggedCounts(db, groupId, () => {
    const row = db
      .select({ n: count() })
      .from(newsFeeds)
      .where(and(eq(newsFeeds.groupId, groupId), isNotNull(newsFeeds.flaggedAt)))
      .get();
    return row?.n ?? 0;
  });
}

const flaggedCounts = cachedUntilChange<number, number>(500);

/** Stops following a feed; its entries go with it. */
export function removeFeed(db: Db, feedId: number): void {
  db.delete(newsFeeds).where(eq(newsFeeds.id, feedId)).run();
}

/** Stores entries not seen before (by guid within the feed); returns how many were new. */
export function storeEntries(db: Db, feedId: number, entries: ParsedEntry[], now: number): number {
  let added = 0;
  for (const entry of entries) {
    const result = db
      .insert(newsEntries)
      .values({ feedId, ...entry, fetchedAt: now })
      .onConflictDoNothing()
      .run();
    added += result.changes;
  }
  if (added > 0) pruneEntries(db, feedId, now);
  return added;
}

/** How many entries a feed keeps at least; older ones beyond this go after {@link PRUNE_AGE_MS}. */
export const KEEP_ENTRIES = 500;
const PRUNE_AGE_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * Drops a feed's entries beyond its newest {@link KEEP_ENTRIES} once they were fetched more than
 * 90 days ago, so a busy feed cannot grow the database for ever. The age condition keeps
 * entries the feed still lists (fetched recently) from being dropped and then stored again.
 */
export function pruneEntries(db: Db, feedId: number, now: number): number {
  const newest = db
    .select({ id: newsEntries.id })
    .from(newsEntries)
    .where(eq(newsEntries.feedId, feedId))
    .orderBy(desc(newsEntries.publishedAt), desc(newsEntries.id))
    .limit(KEEP_ENTRIES);
  return db
    .delete(newsEntries)
    .where(
      and(
        eq(newsEntries.feedId, feedId),
        lt(newsEntries.fetchedAt, now - PRUNE_AGE_MS),
        notInArray(newsEntries.id, newest),
      ),
    )
    .run().changes;
}

/** An entry with the title of the feed it came from. */
export interface NewsEntryWithFeed {
  entry: NewsEntryRow;
  feedTitle: string;
}

/** A page of a community's entries, newest first, from all its feeds or one. */
export function listEntries(
  db: Db,
  groupId: number,
  options: { feedId?: number | undefined; page: number; pageSize: number },
): { entries: NewsEntryWithFeed[]; total: number } {
  const where = and(
    eq(newsFeeds.groupId, groupId),
    options.feedId === undefined ? undefined : eq(newsFeeds.id, options.feedId),
  );
  const total =
    db
      .select({ n: count() })
      .from(newsEntries)
      .innerJoin(newsFeeds, eq(newsEntries.feedId, newsFeeds.id))
      .where(where)
      .get()?.n ?? 0;
  const rows = db
    .select({ entry: newsEntries, feedTitle: newsFeeds.title })
    .from(newsEntries)
    .innerJoin(newsFeeds, eq(newsEntries.feedId, newsFeeds.id))
    .where(where)
    .orderBy(desc(newsEntries.publishedAt), desc(newsEntries.id))
    .limit(options.pageSize)
    .offset((Math.max(1, options.page) - 1) * options.pageSize)
    .all();
  return { entries: rows, total };
}
