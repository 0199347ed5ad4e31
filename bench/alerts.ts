import type { Db } from "../src/db/client.ts";
import type { AlertSite } from "../src/domain/alerts/deliver.ts";
import { sendDigests } from "../src/domain/alerts/digest.ts";
import { sweepAlerts } from "../src/domain/alerts/sweep.ts";
import { addCommunity, addItems, addPeople, BENCH_ORIGIN, freshDatabase, ms } from "./bench-db.ts";
import { median } from "./stats.ts";

// `npm run bench -- alerts`: what email alerts write and how long they take for a community
// of 500 members that gets 1,000 new items, then a daily digest for everyone, then a restored
// database whose 1,000 items are a month old. It prints the rows each step wrote to the alert
// tables and the outbox, so it runs unchanged against older code (tables it lacks count 0):
// issue 12's "before" is this file run on the commit before community news was recorded once.

const MEMBERS = 500;
/** New items per sweep: the sweep's own batch size, so each timed sweep is one batch. */
const ITEMS_PER_SWEEP = 200;
const SWEEPS = 5;
const OLD_ITEMS = 1_000;

const SITE: AlertSite = { origin: BENCH_ORIGIN, instanceName: "Bench" };

/** Every table alerts write, old and new. */
const TABLES = [
  "alert_entries",
  "alert_news",
  "alert_digest_cursors",
  "alert_setting_changes",
  "alert_tokens",
  "mail_outbox",
];

/** Rows in each alert table and the outbox (0 for a table this version lacks), and outbox bytes. */
function footprint(db: Db): { rows: number; bytes: number } {
  const sqlite = db.$client;
  let rows = 0;
  for (const table of TABLES) {
    const exists = sqlite
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(table);
    if (exists) {
      rows += (sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    }
  }
  const bytes = (
    sqlite
      .prepare("SELECT COALESCE(SUM(LENGTH(text) + LENGTH(html)), 0) AS n FROM mail_outbox")
      .get() as { n: number }
  ).n;
  return { rows, bytes };
}

/** Runs a step and prints the rows and mail bytes it added and its time. */
async function step(db: Db, label: string, run: () => unknown): Promise<number> {
  const before = footprint(db);
  const start = performance.now();
  await run();
  const time = performance.now() - start;
  const after = footprint(db);
  console.log(
    `alerts: ${label}: ${(after.rows - before.rows).toLocaleString("en-GB")} rows written, ` +
      `${((after.bytes - before.bytes) / 1e6).toFixed(1)} MB of mail, ${ms(time)}`,
  );
  return time;
}

/** Prints rows written and time for the sweep, the daily digests and a restored backlog. */
export async function benchAlerts(): Promise<void> {
  const { db, dispose } = freshDatabase("alerts");
  try {
    const people = addPeople(db, MEMBERS);
    const groupId = addCommunity(db, "practice", "public", people);
    // The first sweep only notes where things stand.
    sweepAlerts(db, SITE);
    const batches: number[] = [];
    await step(
      db,
      `sweep of ${SWEEPS * ITEMS_PER_SWEEP} new items x ${MEMBERS} members`,
      async () => {
        for (let i = 0; i < SWEEPS; i++) {
          addItems(db, {
            groupId,
            count: ITEMS_PER_SWEEP,
            authorIds: people,
            visibility: "public",
          });
          const start = performance.now();
          sweepAlerts(db, SITE);
          batches.push(performance.now() - start);
        }
      },
    );
    console.log(`alerts:   median sweep batch (${ITEMS_PER_SWEEP} items) ${ms(median(batches))}`);
    await step(db, `daily digests for ${MEMBERS} members`, () => sendDigests(db, SITE, "daily"));
    await step(db, `sweep of ${OLD_ITEMS} restored items dated a month ago`, () => {
      addItems(db, {
        groupId,
        count: OLD_ITEMS,
        authorIds: people,
        visibility: "public",
        newestAt: Date.now() - 30 * 86_400_000,
      });
      sweepAlerts(db, SITE);
    });
  } finally {
    dispose();
  }
}
