import type { KvStore } from "@fedify/fedify";
import { asc } from "drizzle-orm";
import type { Config } from "../../src/config.ts";
import type { Db } from "../../src/db/client.ts";
import { isPostgres } from "../../src/db/dialect.ts";
import { fedifyQueue } from "../../src/db/schema/index.ts";
import { SqliteKvStore } from "../../src/federation/kv.ts";
import { loadPg } from "../../src/federation/postgres/driver.ts";
import { PostgresKvStore } from "../../src/federation/postgres/kv.ts";

// What tests read of an instance's federation queue, whichever backend holds it: on SQLite the
// `fedify_queue` table of the data schema; on PostgreSQL the queue backend's table of that name
// (src/federation/postgres/schema.ts), in the same database but another shape.

/** One queued message: its JSON text and when it may run (milliseconds since the epoch). */
export interface QueuedMessage {
  message: string;
  availableAt: number;
}

/** The messages in the queue, waiting or being handled, oldest first. */
export function queuedMessages(db: Db): QueuedMessage[] {
  if (isPostgres(db)) {
    return db.$client
      .prepare(
        `SELECT message, floor(extract(epoch FROM available_at) * 1000) AS "availableAt"
         FROM fedify_queue ORDER BY id`,
      )
      .all() as QueuedMessage[];
  }
  return db
    .select({ message: fedifyQueue.message, availableAt: fedifyQueue.availableAt })
    .from(fedifyQueue)
    .orderBy(asc(fedifyQueue.id))
    .all();
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the queue has nothing left to run now (inbox handling and the deliveries it
 * caused). Messages put back for a later retry are returned: a listener that threw leaves one.
 */
export async function drained(db: Db, timeoutMs = 20_000): Promise<QueuedMessage[]> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    const rows = queuedMessages(db);
    const due = rows.filter((r) => r.availableAt <= Date.now() + 100);
    if (due.length === 0) {
      quiet += 1;
      if (quiet >= 3) return rows;
    } else quiet = 0;
    // A row stays until its handler has finished (and what it sent is queued by then), so
    // three empty looks 10 ms apart are enough; 40 ms apart, the wait cost ~0.1 s a delivery.
    await pause(10);
  }
  throw new Error("The queue did not drain within 20 s");
}

/**
 * The key-value store an instance's Fedify uses: SQLite's in its data database, or the queue
 * backend's on PostgreSQL (COPSE_QUEUE_URL, which COPSE_DATABASE_URL implies); close() ends
 * the pool opened for the latter.
 */
export function instanceKv(instance: { db: Db; config: Config }): {
  kv: KvStore;
  close(): Promise<void>;
} {
  const url = instance.config.queueUrl;
  if (url === undefined) return { kv: new SqliteKvStore(instance.db), close: async () => {} };
  const pool = new (loadPg().Pool)({ connectionString: url });
  return { kv: new PostgresKvStore(pool), close: () => pool.end() };
}
