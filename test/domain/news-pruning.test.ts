import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { newsEntries, newsFeeds } from "../../src/db/schema/index.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { KEEP_ENTRIES, storeEntries } from "../../src/domain/news/feeds.ts";
import { freshDb } from "../helpers/db.ts";

// A busy feed must not grow the database for ever, yet entries the feed still lists must not
// be dropped (they would be stored again on the next refresh).

const DAY = 24 * 60 * 60 * 1000;

describe("pruning news entries", () => {
  it("keeps the newest entries and drops old ones fetched long ago", async () => {
    const db = freshDb();
    const owner = await createAccount(db, "https://copse.test", {
      handle: "alice",
      email: "alice@e.org",
      password: "correct horse battery",
    });
    const community = createCommunity(db, "https://copse.test", {
      handle: "news",
      name: "News",
      description: "",
      visibility: "public",
      ownerActorId: owner.actor.id,
    });
    const feed = db
      .insert(newsFeeds)
      .values({ groupId: community.actor.id, url: "https://e.org/feed", nextFetchAt: 0 })
      .returning()
      .get();
    const entry = (n: number) => ({
      guid: `g${n}`,
      link: `https://e.org/${n}`,
      title: `Entry ${n}`,
      summaryHtml: "",
      author: null,
      publishedAt: n * 1000,
    });
    const longAgo = Date.UTC(2030, 0, 1);
    const old = Array.from({ length: KEEP_ENTRIES + 20 }, (_, i) => entry(i));
    expect(storeEntries(db, feed.id, old, longAgo)).toBe(KEEP_ENTRIES + 20);
    const later = longAgo + 100 * DAY;
    expect(storeEntries(db, feed.id, [entry(100_000)], later)).toBe(1);
    const kept = db.select().from(newsEntries).where(eq(newsEntries.feedId, feed.id)).all();
    expect(kept).toHaveLength(KEEP_ENTRIES);
    const guids = new Set(kept.map((e) => e.guid));
    expect(guids.has("g100000")).toBe(true);
    expect(guids.has("g0")).toBe(false);
    expect(guids.has(`g${KEEP_ENTRIES + 19}`)).toBe(true);

    // Recently fetched entries stay, however many there are.
    const recent = Array.from({ length: 30 }, (_, i) => entry(200_000 + i));
    storeEntries(db, feed.id, recent, later + DAY);
    const count = db.select().from(newsEntries).where(eq(newsEntries.feedId, feed.id)).all();
    expect(count.length).toBeGreaterThanOrEqual(KEEP_ENTRIES);
    expect(count.some((e) => e.guid === "g200000")).toBe(true);
  });
});
