import type { KvStore, MessageQueue } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { operationsFigures, readiness } from "../domain/operations.ts";
import { skipBlockedDomains } from "./blocked-delivery.ts";
import { deliverDirectly, directDelivery } from "./direct-delivery.ts";
import { SqliteKvStore } from "./kv.ts";
import {
  announcingLive,
  type LiveWakeups,
  NO_LIVE_WAKEUPS,
  postgresLiveWakeups,
} from "./live-wakeup.ts";
import { guardedPoster } from "./outbound/guarded-post.ts";
import { outboundPolicy } from "./outbound/policy.ts";
import { loadPg } from "./postgres/driver.ts";
import { PostgresKvStore } from "./postgres/kv.ts";
import { PostgresMessageQueue } from "./postgres/queue.ts";
import { ensurePostgresSchema } from "./postgres/schema.ts";
import { SqliteMessageQueue } from "./queue.ts";

const logger = getLogger(["copse", "queue", "postgres"]);

/**
 * Deliveries in flight at once. A delivery mostly waits on the remote server, so many are
 * kept going (a post to 1,000 servers would otherwise wait on the slowest few at a time);
 * signing each one is the CPU cost, and that is bounded by the core, not by this number.
 */
export const OUTBOX_CONCURRENCY = 64;
/**
 * Free delivery slots claimed together: one claim transaction per eight deliveries instead of
 * one each, while at least 56 of the 64 stay in flight.
 */
const OUTBOX_MIN_CLAIM = 8;
/** Incoming activities handled at once; each writes to the database and may fetch an actor. */
const INBOX_CONCURRENCY = 16;

/** What monitoring reads about the queue: how much waits, and since when. */
export interface QueueFigures {
  /** Messages queued or being handled. */
  depth: number;
  /** Age of the oldest message in seconds; 0 when the queue is empty. */
  oldestSeconds: number;
}

/** Where Fedify keeps its queue and key-value store, and what the rest of Copse asks of it. */
export interface QueueBackend {
  /** "sqlite" (in Copse's own database) or "postgres" (COPSE_QUEUE_URL). */
  kind: "sqlite" | "postgres";
  kv: KvStore;
  inbox: MessageQueue;
  outbox: MessageQueue;
  /** The queue's depth and age, for /metrics. */
  figures(): Promise<QueueFigures>;
  /** Undefined when the queue's database answers; what went wrong otherwise (for /readyz). */
  problem(): Promise<string | undefined>;
  /** Forgets every cached entry (after the instance moves origin). */
  clearKv(): Promise<void>;
  /** Wake-ups for the live stream across processes (src/federation/live-wakeup.ts). */
  live: LiveWakeups;
  /** Closes the connections the backend opened (none for SQLite). */
  close(): Promise<void>;
}

/**
 * Opens the backend the configuration names. Incoming activities and outgoing deliveries have
 * a channel each, with their own workers: a post fanned out to a thousand servers cannot hold
 * up a Follow waiting for its Accept, nor a flood of incoming activities the deliveries.
 * Deliveries to blocked domains are dropped at the queue, whichever part of Copse sent them.
 */
export function openQueueBackend(config: Config, db: Db): QueueBackend {
  // The deliveries that can be are sent by Copse's lean sender, through the guarded poster;
  // the rest go to Fedify's handler (src/federation/direct-delivery.ts).
  const outboxOf = (queue: MessageQueue, kv: KvStore) =>
    skipBlockedDomains(
      deliverDirectly(queue, directDelivery(kv, guardedPoster(outboundPolicy(config)))),
      db,
    );
  if (config.queueUrl === undefined) {
    const kv = new SqliteKvStore(db);
    return {
      kind: "sqlite",
      kv,
      inbox: new SqliteMessageQueue(db, { channel: "inbox", concurrency: INBOX_CONCURRENCY }),
      outbox: outboxOf(
        new SqliteMessageQueue(db, {
          channel: "outbox",
          concurrency: OUTBOX_CONCURRENCY,
          minClaim: OUTBOX_MIN_CLAIM,
        }),
        kv,
      ),
      async figures() {
        const { queueDepth, queueOldestSeconds } = operationsFigures(db);
        return { depth: queueDepth, oldestSeconds: queueOldestSeconds };
      },
      async problem() {
        const state = readiness(db);
        return state.ready ? undefined : state.problem;
      },
      async clearKv() {
        db.$client.prepare("DELETE FROM fedify_kv").run();
      },
      live: NO_LIVE_WAKEUPS,
      async close() {},
    };
  }
  // Enough connections for both listeners' claims and their handlers' KV reads at once; the
  // LISTEN connection is one more, outside the pool.
  const pool = new (loadPg().Pool)({ connectionString: config.queueUrl, max: 20 });
  // An idle connection that breaks (the server restarted) emits an error on the pool; without
  // a handler that would end the process. The next query opens a new connection.
  pool.on("error", () => undefined);
  const kv = new PostgresKvStore(pool);
  const live = postgresLiveWakeups(pool);
  return {
    kind: "postgres",
    kv,
    // An incoming activity may add to the live stream; web processes hear of it at once.
    inbox: announcingLive(
      new PostgresMessageQueue(pool, { channel: "inbox", concurrency: INBOX_CONCURRENCY }),
      live,
    ),
    outbox: outboxOf(
      new PostgresMessageQueue(pool, { channel: "outbox", concurrency: OUTBOX_CONCURRENCY }),
      kv,
    ),
    async figures() {
      await ensurePostgresSchema(pool);
      const { rows } = await pool.query<{ depth: number; oldest: number | null }>(
        `SELECT count(*)::int AS depth,
           extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS oldest
         FROM fedify_queue`,
      );
      return { depth: rows[0]!.depth, oldestSeconds: Math.max(0, rows[0]!.oldest ?? 0) };
    },
    async problem() {
      try {
        await ensurePostgresSchema(pool);
        await pool.query("SELECT id FROM fedify_queue LIMIT 1");
        return undefined;
      } catch (error) {
        // /readyz answers anyone, so the detail (which names the database's address) goes to
        // the log, for the administrator, and not into the answer.
        logger.warn("The queue's PostgreSQL database does not answer: {error}", { error });
        return "the queue's PostgreSQL database does not answer (the log says why)";
      }
    },
    async clearKv() {
      await ensurePostgresSchema(pool);
      await pool.query("DELETE FROM fedify_kv");
    },
    live,
    close: () => pool.end(),
  };
}
