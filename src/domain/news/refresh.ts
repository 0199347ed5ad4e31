import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { newsFeeds } from "../../db/schema/index.ts";
import { logger } from "../../logging.ts";
import { FeedError } from "./errors.ts";
import type { NewsFeedRow } from "./feeds.ts";
import { storeEntries } from "./feeds.ts";
import type { FeedFetcher } from "./fetcher.ts";
import { parseFeed } from "./parse.ts";

const log = logger("news");

/** Consecutive failures after which a feed is flagged to the community's facilitators. */
export const FLAG_AFTER_FAILURES = 3;
const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;

/** How a refresh went: how many entries were new, or why it failed. */
export type RefreshOutcome =
  | { ok: true; added: number; notModified: boolean }
  | { ok: false; error: string };

/**
 * When to try a failing feed again: the refresh interval doubled for each consecutive failure,
 * so a feed that is down for a day is asked a handful of times, not every half hour.
 */
export function backoffMs(refreshMinutes: number, failures: number): number {
  return Math.min(refreshMinutes * 60_000 * 2 ** failures, MAX_BACKOFF_MS);
}

/**
 * Fetches a feed (conditionally, with its stored ETag and Last-Modified), stores new entries
 * and schedules the next refresh. A failure is recorded on the feed, never thrown: one broken
 * feed must not stop the others.
 */
export async function refreshFeed(
  db: Db,
  feed: NewsFeedRow,
  fetcher: FeedFetcher,
  refreshMinutes: number,
): Promise<RefreshOutcome> {
  try {
    const outcome = await fetcher(feed.url, { etag: feed.etag, lastModified: feed.lastModified });
    const now = Date.now();
    if (outcome.status === "not-modified") {
      recordSuccess(db, feed.id, now, refreshMinutes, {});
      return { ok: true, added: 0, notModified: true };
    }
    const parsed = await parseFeed(outcome.body, outcome.url, now);
    const added = db.transaction((tx) => {
      const count = storeEntries(tx as unknown as Db, feed.id, parsed.entries, now);
      recordSuccess(tx as unknown as Db, feed.id, now, refreshMinutes, {
        etag: outcome.etag,
        lastModified: outcome.lastModified,
        siteUrl: parsed.siteUrl,
      });
      return count;
    });
    return { ok: true, added, notModified: false };
  } catch (error) {
    const message =
      error instanceof FeedError ? error.message : "Something unexpected went wrong reading it.";
    if (!(error instanceof FeedError)) {
      log.error("Refreshing news feed {url} failed unexpectedly: {error}", {
        url: feed.url,
        error,
      });
    }
    recordFailure(db, feed, message, refreshMinutes, Date.now());
    return { ok: false, error: message };
  }
}

function recordSuccess(
  db: Db,
  feedId: number,
  now: number,
  refreshMinutes: number,
  changes: { etag?: string | null; lastModified?: string | null; siteUrl?: string | null },
): void {
  db.update(newsFeeds)
    .set({
      ...changes,
      lastFetchedAt: now,
      nextFetchAt: now + refreshMinutes * 60_000,
      failures: 0,
      lastError: null,
      flaggedAt: null,
    })
    .where(eq(newsFeeds.id, feedId))
    .run();
}

function recordFailure(
  db: Db,
  feed: NewsFeedRow,
  message: string,
  refreshMinutes: number,
  now: number,
): void {
  const failures = feed.failures + 1;
  db.update(newsFeeds)
    .set({
      failures,
      lastError: message,
      nextFetchAt: now + backoffMs(refreshMinutes, failures),
      flaggedAt: feed.flaggedAt ?? (failures >= FLAG_AFTER_FAILURES ? now : null),
    })
    .where(eq(newsFeeds.id, feed.id))
    .run();
  log.info("News feed {url} failed ({failures} in a row): {message}", {
    url: feed.url,
    failures,
    message,
  });
}
