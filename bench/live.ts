import { currentCursor } from "../src/domain/live/cursor.ts";
import { activityAfter, latestActivity } from "../src/domain/live/stream.ts";
import { addCommunity, addItems, addPeople, freshDatabase, ms } from "./bench-db.ts";
import { median, percentile, timeRuns } from "./stats.ts";

const PEOPLE = 5_000;
const GROUPS = 100;
/** Every fourth community is private and its items are for members only. */
const PRIVATE_EVERY = 4;
const MEMBERS_PER_GROUP = 150;
const ITEMS = 50_000;
/** Items are written in blocks of this many per community, round after round, as they interleave in life. */
const BLOCK = 50;
const VIEWER_GROUPS = 20;
const CONNECTIONS = 100;
/** New items stored between two wake-ups of the live streams. */
const NEW_PER_TICK = 5;
const RUNS = 50;
const TICKS = 20;
const BURST = 5_000;

/** The communities connection `k`'s viewer belongs to: twenty, spread over public and private. */
function groupsOfViewer(k: number): number[] {
  return Array.from({ length: VIEWER_GROUPS }, (_, j) => (k * 7 + j * 5) % GROUPS);
}

/**
 * Times "What's happening now" over 50,000 items in 100 communities (a quarter private): the
 * page's query for an anonymous visitor and for a member of twenty communities, the shared
 * poller's position read, and the work one wake-up of 100 open streams costs (each asks for
 * what its own viewer may see since its position; no sockets are involved).
 */
export async function benchLive(): Promise<void> {
  const { db, dispose } = freshDatabase("live");
  try {
    const started = performance.now();
    const people = addPeople(db, PEOPLE);
    const viewers = people.slice(0, CONNECTIONS);
    const others = people.slice(CONNECTIONS);
    const membersOf = Array.from({ length: GROUPS }, (_, g) =>
      Array.from(
        { length: MEMBERS_PER_GROUP },
        (_, m) => others[(g * MEMBERS_PER_GROUP + m) % others.length]!,
      ),
    );
    viewers.forEach((viewer, k) => {
      for (const g of groupsOfViewer(k)) membersOf[g]!.push(viewer);
    });
    const groupIds = membersOf.map((members, g) =>
      addCommunity(db, `g${g}`, g % PRIVATE_EVERY === 0 ? "private" : "public", members),
    );
    const itemsIn = (g: number, count: number) =>
      addItems(db, {
        groupId: groupIds[g]!,
        count,
        authorIds: membersOf[g]!,
        visibility: g % PRIVATE_EVERY === 0 ? "members" : "public",
      });
    for (let round = 0; round < ITEMS / (GROUPS * BLOCK); round++) {
      for (let g = 0; g < GROUPS; g++) itemsIn((g * 37 + round) % GROUPS, BLOCK);
    }
    const memberships = (
      db.$client.prepare("SELECT COUNT(*) AS n FROM memberships").get() as { n: number }
    ).n;
    console.log(
      `live: filled ${PEOPLE} people, ${GROUPS} communities, ${memberships} memberships, ${ITEMS} items in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const fmt = (t: number[]) => `median ${ms(median(t))}, p95 ${ms(percentile(t, 95))}`;
    const member = viewers[0]!;

    const anonymous = await timeRuns(RUNS, async () => latestActivity(db, null, 50));
    console.log(`live: page, anonymous (50 entries, ${RUNS} runs): ${fmt(anonymous)}`);
    const memberPage = await timeRuns(RUNS, async () => latestActivity(db, member, 50));
    console.log(
      `live: page, member of ${VIEWER_GROUPS} communities (${RUNS} runs): ${fmt(memberPage)}`,
    );
    const position = await timeRuns(RUNS, async () => currentCursor(db));
    console.log(`live: shared poller's position read (${RUNS} runs): ${fmt(position)}`);

    // One wake-up: a few items arrive, and every open stream reads the position and asks for
    // what its viewer may see since the last one (what live.tsx's sendNew does per connection).
    const ticks: number[] = [];
    for (let t = 0; t < TICKS; t++) {
      const before = currentCursor(db);
      for (let n = 0; n < NEW_PER_TICK; n++) itemsIn((t * 11 + n * 17) % GROUPS, 1);
      const [time] = await timeRuns(1, async () => {
        for (const viewer of viewers) activityAfter(db, viewer, before, currentCursor(db), 50);
      });
      ticks.push(time!);
    }
    const tick = median(ticks);
    console.log(
      `live: fan-out of one wake-up (${NEW_PER_TICK} new items) to ${CONNECTIONS} streams (${TICKS} wake-ups): ` +
        `${fmt(ticks)}; ${(tick / CONNECTIONS).toFixed(2)} ms per stream`,
    );

    // The case the newest-first walk is weakest at: a burst of members-only posts in one
    // private community, which an anonymous visitor must step over to find anything to show.
    itemsIn(0, BURST);
    const burst = await timeRuns(RUNS, async () => latestActivity(db, null, 50));
    console.log(
      `live: page, anonymous, after ${BURST} members-only items in a row (${RUNS} runs): ${fmt(burst)}; ` +
        `${(median(burst) / median(anonymous)).toFixed(1)}x the usual`,
    );
  } finally {
    dispose();
  }
}
