import type { Db } from "../src/db/client.ts";
import type { AlertSite } from "../src/domain/alerts/deliver.ts";
import { sendDigests } from "../src/domain/alerts/digest.ts";
import { sectionOfItem } from "../src/domain/alerts/item-section.ts";
import { sweepAlerts } from "../src/domain/alerts/sweep.ts";
import { communityTopic } from "../src/domain/alerts/topics.ts";
import { getItem } from "../src/domain/items.ts";
import { addCommunity, addItems, addPeople, BENCH_ORIGIN, freshDatabase, ms } from "./bench-db.ts";
import { median, percentile, timeRuns } from "./stats.ts";

const MEMBERS = 500;
/** New items per sweep: the sweep's own batch size, so each timed sweep is one batch. */
const ITEMS_PER_SWEEP = 200;
/** Five batches of 100,000 entries each (half a million in all): more adds minutes, not insight. */
const SWEEPS = 5;
const DIGEST_ENTRIES = 20;
const DIGEST_RUNS = 5;

const SITE: AlertSite = { origin: BENCH_ORIGIN, instanceName: "Bench" };

/** Rows in a table, for the figures. */
function rows(db: Db, table: string): number {
  return (db.$client.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/**
 * The sweep over a backlog: 1,000 new items (a third thread roots of every kind, the rest
 * replies) in a public community of 500 local members on default settings, so every member
 * gets a daily-digest entry for each item and the author of what a reply answers gets an
 * immediate mail: half a million entries. Each timed sweep takes on one batch of 200 new items.
 */
async function benchSweep(db: Db, people: number[], groupId: number): Promise<void> {
  // The first sweep only notes where things stand.
  sweepAlerts(db, SITE);
  let entries = 0;
  let mails = 0;
  const times: number[] = [];
  for (let i = 0; i < SWEEPS; i++) {
    addItems(db, { groupId, count: ITEMS_PER_SWEEP, authorIds: people, visibility: "public" });
    const [time] = await timeRuns(1, async () => {
      const result = sweepAlerts(db, SITE);
      entries += result.entries;
      mails += result.mails;
    });
    times.push(time!);
  }
  const perBatch = median(times);
  const total = times.reduce((a, b) => a + b, 0);
  console.log(
    `alerts: sweep of ${SWEEPS * ITEMS_PER_SWEEP} new items x ${MEMBERS} members: ${entries} entries, ${mails} immediate mails in ${(total / 1000).toFixed(1)} s`,
  );
  console.log(
    `alerts: sweep batch (${ITEMS_PER_SWEEP} items): median ${ms(perBatch)}, p95 ${ms(percentile(times, 95))}; ` +
      `${((ITEMS_PER_SWEEP / perBatch) * 1000).toFixed(0)} items/s, ` +
      `${((entries / total) * 1000).toFixed(0)} entries/s`,
  );
}

/**
 * Daily digests for every member with about twenty waiting entries each, drawn from the items
 * the sweep saw. Each run builds and queues all of them; between runs the entries are put back
 * to waiting and the outbox emptied, so every run does the same work.
 */
async function benchDigests(db: Db, people: number[], groupId: number): Promise<void> {
  const sqlite = db.$client;
  sqlite.exec("DELETE FROM alert_entries; DELETE FROM mail_outbox; DELETE FROM alert_tokens");
  const itemIds = (
    sqlite.prepare("SELECT id FROM items ORDER BY id").all() as { id: number }[]
  ).map((r) => r.id);
  const topics = new Map(
    itemIds.map((id) => [id, communityTopic(groupId, sectionOfItem(db, getItem(db, id)!))]),
  );
  const entry = sqlite.prepare(
    `INSERT INTO alert_entries (person_id, topic, frequency, subject, group_id, created_at)
     VALUES (?, ?, 'daily', ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (const [p, personId] of people.entries()) {
      for (let k = 0; k < DIGEST_ENTRIES; k++) {
        const itemId = itemIds[(p * 31 + k * 97) % itemIds.length]!;
        entry.run(personId, topics.get(itemId)!, `item:${itemId}`, groupId, Date.now());
      }
    }
  })();
  const reset = () =>
    sqlite.exec(
      "UPDATE alert_entries SET mail_id = NULL; DELETE FROM mail_outbox; DELETE FROM alert_tokens",
    );
  let digests = 0;
  const times = await timeRuns(DIGEST_RUNS, async () => {
    reset();
    digests = sendDigests(db, SITE, "daily").mails;
  });
  const perRun = median(times);
  console.log(
    `alerts: daily digests for ${people.length} people x ${DIGEST_ENTRIES} entries (${DIGEST_RUNS} runs): ` +
      `median ${ms(perRun)} per run of ${digests} digests, p95 ${ms(percentile(times, 95))}; ` +
      `${((digests / perRun) * 1000).toFixed(0)} digests/s, ${(perRun / digests).toFixed(2)} ms per digest`,
  );
  const outbox = rows(db, "mail_outbox");
  if (outbox !== digests) console.log(`alerts: note: ${outbox} mails queued by the last run`);
}

/** Times the alert sweep over a backlog and the building of daily digests; prints the medians. */
export async function benchAlerts(): Promise<void> {
  const { db, dispose } = freshDatabase("alerts");
  try {
    const people = addPeople(db, MEMBERS);
    const groupId = addCommunity(db, "practice", "public", people);
    await benchSweep(db, people, groupId);
    await benchDigests(db, people, groupId);
  } finally {
    dispose();
  }
}
