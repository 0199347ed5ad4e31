import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/client.ts";
import { runMigrations } from "../src/db/migrate.ts";
import { SqliteMessageQueue } from "../src/federation/queue.ts";

const MESSAGES = 5_000;
const RUNS = 3;

interface RunFigures {
  enqueuePerSecond: number;
  enqueueManyPerSecond: number;
  drainPerSecond: number;
  drainOneKeyPerSecond: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function message(i: number) {
  // About the size of the envelope Fedify puts around an outgoing activity's ids, minus keys.
  return {
    type: "outbox",
    id: `https://bench.example/activities/${i}`,
    inbox: "https://x.example/inbox",
  };
}

/** Listens until `total` messages have been handled and returns messages handled per second. */
async function drain(queue: SqliteMessageQueue, total: number): Promise<number> {
  let handled = 0;
  const controller = new AbortController();
  let finish = () => {};
  const allHandled = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const started = performance.now();
  const listening = queue.listen(
    async () => {
      if (++handled === total) finish();
    },
    { signal: controller.signal },
  );
  await allHandled;
  // The last deletes happen just after the last handler returns; wait for them too.
  controller.abort();
  await listening;
  return total / ((performance.now() - started) / 1000);
}

/** Enqueues and drains one batch on a fresh database file, as a real server would store it. */
async function runOnce(): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), "copse-bench-queue-"));
  const db = openDatabase(join(dir, "bench.db"));
  try {
    runMigrations(db);
    const queue = new SqliteMessageQueue(db, { concurrency: 4 });

    // One transaction per message, as when Fedify enqueues activities one by one.
    let started = performance.now();
    for (let i = 0; i < MESSAGES; i++) await queue.enqueue(message(i));
    const enqueuePerSecond = MESSAGES / ((performance.now() - started) / 1000);

    // The same number again in batches of 100, as when Fedify fans out to many inboxes.
    started = performance.now();
    for (let i = 0; i < MESSAGES; i += 100) {
      await queue.enqueueMany(Array.from({ length: 100 }, (_, j) => message(i + j)));
    }
    const enqueueManyPerSecond = MESSAGES / ((performance.now() - started) / 1000);

    // Drain everything with a handler that does nothing, so the figure is the queue's own cost:
    // claiming, running and deleting each row.
    const drainPerSecond = await drain(queue, MESSAGES * 2);

    // A backlog on one ordering key (one remote inbox) drains strictly one message at a time,
    // each waiting for the one before it to be deleted.
    await queue.enqueueMany(
      Array.from({ length: MESSAGES }, (_, i) => message(i)),
      { orderingKey: "https://x.example" },
    );
    const drainOneKeyPerSecond = await drain(queue, MESSAGES);
    return { enqueuePerSecond, enqueueManyPerSecond, drainPerSecond, drainOneKeyPerSecond };
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures the SQLite message queue's enqueue and drain throughput and prints the medians. */
export async function benchQueue(): Promise<void> {
  const runs: RunFigures[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce());
  const figure = (pick: (run: RunFigures) => number) => Math.round(median(runs.map(pick)));
  console.log(`queue: ${MESSAGES} messages, median of ${RUNS} runs on a temporary database file`);
  console.log(`  enqueue, one at a time: ${figure((r) => r.enqueuePerSecond)} messages/s`);
  console.log(`  enqueueMany, 100 a batch: ${figure((r) => r.enqueueManyPerSecond)} messages/s`);
  console.log(`  drain, concurrency 4: ${figure((r) => r.drainPerSecond)} messages/s`);
  console.log(
    `  drain, all on one ordering key: ${figure((r) => r.drainOneKeyPerSecond)} messages/s`,
  );
}
