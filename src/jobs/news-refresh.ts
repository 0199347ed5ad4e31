import type { Config } from "../config.ts";
import { dueFeeds } from "../domain/news/feeds.ts";
import { refreshFeed } from "../domain/news/refresh.ts";
import { instanceFeedFetcher } from "../federation/news-fetch.ts";
import type { Task } from "./runner.ts";

// Each run takes the feeds that are due (the longest overdue first) and refreshes a few at a
// time: one slow server then holds up only its own slot, and a run stays bounded (at most
// BATCH feeds, each limited by the fetch timeout), so the next minute's run picks up the rest.
const CONCURRENCY = 4;
const BATCH = 40;
const EVERY_MS = 60_000;

/** The "news.refresh" task: every minute, refreshes the feeds whose next fetch is due. */
export function newsRefreshTask(config: Config): Task {
  return {
    name: "news.refresh",
    next: (now) => now + EVERY_MS,
    async run({ db }) {
      const fetcher = instanceFeedFetcher(config);
      const queue = dueFeeds(db, Date.now(), BATCH);
      const worker = async () => {
        for (let feed = queue.shift(); feed; feed = queue.shift()) {
          await refreshFeed(db, feed, fetcher, config.newsRefreshMinutes);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    },
  };
}
