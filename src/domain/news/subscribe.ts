import type { Db } from "../../db/client.ts";
import { newsFeeds } from "../../db/schema/index.ts";
import { ValidationError } from "../errors.ts";
import { FeedError } from "./errors.ts";
import { findFeedByUrl, type NewsFeedRow, storeEntries } from "./feeds.ts";
import type { FeedFetcher } from "./fetcher.ts";
import { parseFeed } from "./parse.ts";

const MAX_URL_LENGTH = 2000;

/** What a facilitator asks for when adding a feed. */
export interface NewFeedInput {
  groupId: number;
  url: string;
  addedById: number;
}

/** The feed URL as typed, checked to be an http(s) address; throws a ValidationError if not. */
export function normalizeFeedUrl(input: string): string {
  const value = input.trim();
  const fail = (message: string) => new ValidationError([{ field: "url", message }]);
  if (!value) throw fail("Enter the address of an RSS or Atom feed");
  if (value.length > MAX_URL_LENGTH) {
    throw fail(`The address must be ${MAX_URL_LENGTH} characters or fewer`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail("Enter a full web address, like https://www.example.org/news.xml");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw fail("The address must start with https:// or http://");
  }
  if (url.username || url.password) {
    throw fail("The address must not contain a user name or password");
  }
  url.hash = "";
  return url.href;
}

/**
 * Subscribes a community to a feed. The feed is fetched and read at once, so an address that
 * is not a feed (or cannot be fetched) is refused with the reason, and nothing is saved; on
 * success the feed is saved with its title and its entries.
 */
export async function addFeed(
  db: Db,
  input: NewFeedInput,
  fetcher: FeedFetcher,
  refreshMinutes: number,
): Promise<{ feed: NewsFeedRow; added: number }> {
  const url = normalizeFeedUrl(input.url);
  if (findFeedByUrl(db, input.groupId, url)) {
    throw new ValidationError([{ field: "url", message: "This community already has this feed" }]);
  }
  let parsed: Awaited<ReturnType<typeof parseFeed>>;
  let validators: { etag: string | null; lastModified: string | null };
  try {
    const outcome = await fetcher(url);
    // Nothing was sent to make a 304 legitimate; a server that answers one anyway is broken.
    if (outcome.status !== "fetched") throw new FeedError("The server sent no feed.");
    parsed = await parseFeed(outcome.body, outcome.url, Date.now());
    validators = { etag: outcome.etag, lastModified: outcome.lastModified };
  } catch (error) {
    if (error instanceof FeedError) {
      throw new ValidationError([{ field: "url", message: error.message }]);
    }
    throw error;
  }
  const now = Date.now();
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    // Checked again here: another facilitator may have added it while this one was fetching.
    if (findFeedByUrl(txDb, input.groupId, url)) {
      throw new ValidationError([
        { field: "url", message: "This community already has this feed" },
      ]);
    }
    const feed = txDb
      .insert(newsFeeds)
      .values({
        groupId: input.groupId,
        url,
        title: parsed.title,
        siteUrl: parsed.siteUrl,
        ...validators,
        lastFetchedAt: now,
        nextFetchAt: now + refreshMinutes * 60_000,
        addedById: input.addedById,
      })
      .returning()
      .get();
    return { feed, added: storeEntries(txDb, feed.id, parsed.entries, now) };
  });
}
