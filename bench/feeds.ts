import { communitySectionFeed } from "../src/domain/feeds/community-feeds.ts";
import { feedTokenFor, personForFeedToken } from "../src/domain/feeds/tokens.ts";
import { type FeedFormat, writeFeed } from "../src/web/feed-writer.ts";
import { addCommunity, addItems, addPeople, BENCH_ORIGIN, freshDatabase, ms } from "./bench-db.ts";
import { median, percentile, timeRuns } from "./stats.ts";

const PEOPLE = 1_000;
const MEMBERS = 300;
/** Items in each of the two communities whose feeds are timed. */
const ITEMS = 10_000;
/** Other communities, so the section queries must pick their community's rows out of many. */
const OTHER_GROUPS = 4;
const OTHER_ITEMS = 5_000;
const RUNS = 30;
const SECTIONS = ["forum", "blog", "wiki", "events", "polls"] as const;

/**
 * Times building and writing a community section's feed as the feed route does it (look the
 * token up, gather the entries the viewer may see, write the XML), over a public community and
 * a private one of 10,000 items each, for an anonymous reader and for a member with a token.
 */
export async function benchFeeds(): Promise<void> {
  const { db, dispose } = freshDatabase("feeds");
  try {
    const started = performance.now();
    const people = addPeople(db, PEOPLE);
    const members = people.slice(0, MEMBERS);
    const open = addCommunity(db, "open", "public", members);
    const closed = addCommunity(db, "closed", "private", members);
    // Interleaved in blocks, as two busy communities' posts would be.
    for (let block = 0; block < 10; block++) {
      addItems(db, { groupId: open, count: ITEMS / 10, authorIds: members, visibility: "public" });
      addItems(db, {
        groupId: closed,
        count: ITEMS / 10,
        authorIds: members,
        visibility: "members",
      });
    }
    for (let g = 0; g < OTHER_GROUPS; g++) {
      const others = people.slice(MEMBERS + g * 100, MEMBERS + (g + 1) * 100);
      const groupId = addCommunity(db, `other${g}`, "public", others);
      addItems(db, { groupId, count: OTHER_ITEMS, authorIds: others, visibility: "public" });
    }
    const token = feedTokenFor(db, members[0]!);
    console.log(
      `feeds: filled 2 x ${ITEMS} + ${OTHER_GROUPS} x ${OTHER_ITEMS} items in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const feed = (handle: string, section: string, format: FeedFormat, withToken: boolean) => {
      const viewer = withToken ? personForFeedToken(db, token) : null;
      const data = communitySectionFeed(db, BENCH_ORIGIN, handle, section, viewer);
      if (!data) throw new Error(`No ${section} feed of ${handle} for this reader`);
      const address = (ext: FeedFormat) =>
        `${BENCH_ORIGIN}/feeds/c/${handle}/${section}.${ext}${withToken ? `?token=${token}` : ""}`;
      return writeFeed(data, format, { rss: address("rss"), atom: address("atom") });
    };
    const cases: [string, string, boolean][] = [
      ["public community, anonymous", "open", false],
      ["public community, member's token", "open", true],
      ["private community, member's token", "closed", true],
    ];
    console.log(`feeds: section feeds over ${ITEMS} items, ${RUNS} runs each (median / p95)`);
    const all: number[] = [];
    for (const [label, handle, withToken] of cases) {
      const cells: string[] = [];
      for (const section of SECTIONS) {
        for (const format of ["rss", "atom"] as const) {
          feed(handle, section, format, withToken); // warm up
          const times = await timeRuns(RUNS, async () => feed(handle, section, format, withToken));
          all.push(median(times));
          cells.push(
            `${section}.${format} ${median(times).toFixed(1)}/${percentile(times, 95).toFixed(1)}`,
          );
        }
      }
      console.log(`  ${label.padEnd(34)} ${cells.join("  ")} ms`);
    }
    console.log(`feeds: median over every section feed: ${ms(median(all))}`);
  } finally {
    dispose();
  }
}
