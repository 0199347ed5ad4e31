import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type Database from "better-sqlite3";
import type { Db } from "../db/client.ts";
import { durationToMilliseconds } from "./kv.ts";
import { claimIsOrphaned, defaultWorkerId } from "./queue-claims.ts";
import { retryDelayMs, Wakeup } from "./queue-wakeup.ts";

const logger = getLogger(["copse", "queue"]);

/**
 * The `claimed_by` of a message queued behind an earlier one with the same ordering key. Only
 * the oldest message of a key is ever free to claim; the others wait under this mark, outside
 * the range the ready index scans, and the next is freed when the one before it is deleted.
 * Without it every claim would step over each blocked row, and a backlog on one key (a remote
 * server that is down) would make draining quadratic. It cannot equal a claim token, which
 * always ends in ":" and a UUID.
 */
const WAITING = "(waiting)";

/** Options for {@link SqliteMessageQueue}. */
export interface SqliteMessageQueueOptions {
  /** How often listen() looks for work enqueued by other processes; 1 s by default. */
  pollIntervalMs?: number;
  /** How many handlers may run at once in one listen() call; 4 by default. */
  concurrency?: number;
  /**
   * The part of the table this queue enqueues into and listens to; "default" by default. Queues
   * on different channels share the table but never take each other's messages, so each
   * channel's listener has its own `concurrency` slots however long the other's backlog is.
   */
  channel?: string;
  /**
   * Names this process in `claimed_by`, to tell whose claim a row is; host:pid by default,
   * which lets listeners in other processes see when this one has died (queue-claims.ts).
   */
  workerId?: string;
  /** How often listen() takes back the claims of listeners that died; 5 s by default. */
  orphanCheckMs?: number;
  /** Wait before retrying a message whose handler threw, doubled each attempt; 1 s by default. */
  retryBaseDelayMs?: number;
  /**
   * The fewest free slots worth a claim while handlers are running; 1 by default. Each claim
   * is a write transaction, so a busy channel with many slots (deliveries) claims several
   * messages at once instead of one as each handler finishes. With nothing running, any free
   * slot is filled at once (it is never more than `concurrency`).
   */
  minClaim?: number;
}

interface ClaimedRow {
  id: number;
  message: string;
  ordering_key: string | null;
  attempts: number;
}

interface InsertParams {
  channel: string;
  message: string;
  key: string | null;
  availableAt: number;
  now: number;
}

type Handler = (message: unknown) => Promise<void> | void;

// One emitter per SQLite connection tells listeners in this process that there is new work, so
// they need not wait for the next poll; its events are named by channel, so a listener is not
// woken (to claim nothing) by every message another channel finishes. Other processes are
// only noticed by polling.
const notifiers = new WeakMap<Database.Database, EventEmitter>();

function notifierFor(sqlite: Database.Database): EventEmitter {
  let notifier = notifiers.get(sqlite);
  if (notifier === undefined) {
    notifier = new EventEmitter();
    notifier.setMaxListeners(0);
    notifiers.set(sqlite, notifier);
  }
  return notifier;
}

// Claim tokens of the listen() calls running in this process. Their claims are live; other
// claims are live while their process is (queue-claims.ts).
const liveClaimTokens = new Set<string>();

/**
 * Fedify's message queue kept in the `fedify_queue` table, with at-least-once delivery: a row is
 * claimed before its handler runs and deleted only after the handler resolves, so a crash in
 * between leaves the message to run again when the server restarts.
 *
 * Deployment model: any number of processes on one machine may enqueue and listen. When
 * listen() starts, and every `orphanCheckMs` after, it takes back the claims of listeners that
 * have stopped (a worker killed mid-message), so their messages run again on a live one.
 */
export class SqliteMessageQueue implements MessageQueue {
  /** Fedify applies its own retry policy (days, set by the server); this queue only re-runs a
   * message when an exception escapes Fedify's handler. */
  readonly nativeRetrial = false;
  readonly #sqlite: Database.Database;
  readonly #pollIntervalMs: number;
  readonly #concurrency: number;
  readonly #channel: string;
  readonly #workerId: string;
  readonly #retryBaseDelayMs: number;
  readonly #minClaim: number;
  readonly #insert: Database.Statement<[InsertParams]>;
  readonly #claimOne: Database.Statement<
    [{ channel: string; token: string; now: number }],
    ClaimedRow
  >;
  readonly #claimBatch: (token: string, limit: number) => ClaimedRow[];
  readonly #finish: (done: readonly { id: number; token: string }[]) => void;
  /** Messages whose handlers succeeded, to be deleted together (see #finishSoon). */
  #finished: { id: number; token: string; deleted: () => void }[] = [];
  readonly #releaseForRetry: Database.Statement<[number, number, number, string]>;
  readonly #orphanCheckMs: number;
  readonly #releaseOrphans: (freeWaiters: boolean) => number;
  readonly #nextDue: Database.Statement<[string, number], { next: number | null }>;
  readonly #depth: Database.Statement<
    [{ channel: string; now: number }],
    { queued: number; ready: number }
  >;

  /** Prepares the statements once; the database must already be migrated. */
  constructor(db: Db, options: SqliteMessageQueueOptions = {}) {
    this.#sqlite = db.$client;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#concurrency = options.concurrency ?? 4;
    this.#channel = options.channel ?? "default";
    this.#workerId = options.workerId ?? defaultWorkerId();
    this.#orphanCheckMs = options.orphanCheckMs ?? 5000;
    this.#retryBaseDelayMs = options.retryBaseDelayMs ?? 1000;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1) {
      throw new RangeError("concurrency must be a positive integer");
    }
    this.#minClaim = Math.min(this.#concurrency, options.minClaim ?? 1);
    if (!Number.isInteger(this.#minClaim) || this.#minClaim < 1) {
      throw new RangeError("minClaim must be a positive integer");
    }
    const sqlite = this.#sqlite;
    // A message whose ordering key already has a row in the table waits behind it.
    this.#insert = sqlite.prepare(
      `INSERT INTO fedify_queue
         (channel, message, ordering_key, available_at, attempts, created_at, claimed_by)
       VALUES (@channel, @message, @key, @availableAt, 0, @now,
         CASE WHEN EXISTS (SELECT 1 FROM fedify_queue WHERE ordering_key = @key)
           THEN '${WAITING}' END)`,
    );
    // A message is ready when it is unclaimed, due, and no earlier message with the same
    // ordering key is still in the table (waiting, delayed, or being handled by anyone). As rows
    // are deleted only after their handler finishes, that condition both serialises an ordering
    // key across every listener and keeps its messages in enqueue order. The WAITING mark
    // already keeps such rows out of the scan; the NOT EXISTS stays as a cheap guarantee.
    this.#claimOne = sqlite.prepare(
      `UPDATE fedify_queue SET claimed_by = @token, claimed_at = @now
       WHERE claimed_by IS NULL AND id = (
         SELECT q.id FROM fedify_queue q
         WHERE q.channel = @channel AND q.claimed_by IS NULL AND q.available_at <= @now
           AND NOT EXISTS (
             SELECT 1 FROM fedify_queue p WHERE p.ordering_key = q.ordering_key AND p.id < q.id)
         ORDER BY q.available_at, q.id LIMIT 1)
       RETURNING id, message, ordering_key, attempts`,
    );
    const claimBatch = sqlite.transaction((token: string, limit: number): ClaimedRow[] => {
      const now = Date.now();
      const rows: ClaimedRow[] = [];
      for (let i = 0; i < limit; i++) {
        const row = this.#claimOne.get({ channel: this.#channel, token, now });
        if (row === undefined) break;
        rows.push(row);
      }
      return rows;
    });
    // IMMEDIATE takes the write lock before the first read, so two connections can never pick
    // the same row, nor both decide an ordering key is free.
    this.#claimBatch = (token, limit) => claimBatch.immediate(token, limit);
    const deleteRow = sqlite.prepare<[number, string], { ordering_key: string | null }>(
      "DELETE FROM fedify_queue WHERE id = ? AND claimed_by = ? RETURNING ordering_key",
    );
    const freeNextOfKey = sqlite.prepare<[string]>(
      `UPDATE fedify_queue SET claimed_by = NULL
       WHERE claimed_by = '${WAITING}'
         AND id = (SELECT MIN(id) FROM fedify_queue WHERE ordering_key = ?)`,
    );
    // Deleting a message and freeing the next one of its key are one transaction, so no other
    // connection sees the key with nothing claimable and a row still waiting.
    const finish = sqlite.transaction((done: readonly { id: number; token: string }[]) => {
      for (const { id, token } of done) {
        const deleted = deleteRow.get(id, token);
        if (deleted?.ordering_key != null) freeNextOfKey.run(deleted.ordering_key);
      }
    });
    this.#finish = (done) => finish.immediate(done);
    this.#releaseForRetry = sqlite.prepare(
      `UPDATE fedify_queue SET claimed_by = NULL, claimed_at = NULL, attempts = ?, available_at = ?
       WHERE id = ? AND claimed_by = ?`,
    );
    // Claims are read in two index ranges, either side of the waiting mark, so a long backlog
    // of waiting rows is not scanned each time.
    const claims = sqlite.prepare<[string], { token: string }>(
      `SELECT DISTINCT claimed_by AS token FROM fedify_queue
       WHERE channel = ? AND (claimed_by < '${WAITING}' OR claimed_by > '${WAITING}')`,
    );
    const releaseClaims = sqlite.prepare<[string]>(
      `UPDATE fedify_queue SET claimed_by = NULL, claimed_at = NULL
       WHERE claimed_by IN (SELECT value FROM json_each(?))`,
    );
    // Frees any waiting message that no longer has an earlier one of its key in front of it.
    // The delete-and-free transaction keeps that from happening; this repairs a table edited by
    // hand, rather than leaving such a message stuck for good.
    const freeStrandedWaiters = sqlite.prepare(
      `UPDATE fedify_queue SET claimed_by = NULL
       WHERE claimed_by = '${WAITING}' AND NOT EXISTS (
         SELECT 1 FROM fedify_queue p
         WHERE p.ordering_key = fedify_queue.ordering_key AND p.id < fedify_queue.id)`,
    );
    const release = sqlite.transaction((freeWaiters: boolean): number => {
      const orphaned = claims
        .all(this.#channel)
        .map((row) => row.token)
        .filter((token) => claimIsOrphaned(token, liveClaimTokens));
      const released =
        orphaned.length > 0 ? releaseClaims.run(JSON.stringify(orphaned)).changes : 0;
      if (freeWaiters) freeStrandedWaiters.run();
      return released;
    });
    this.#releaseOrphans = (freeWaiters) => release.immediate(freeWaiters);
    this.#nextDue = sqlite.prepare(
      `SELECT MIN(available_at) AS next FROM fedify_queue
       WHERE channel = ? AND claimed_by IS NULL AND available_at > ?`,
    );
    this.#depth = sqlite.prepare(
      `SELECT COUNT(*) AS queued,
         COALESCE(SUM(claimed_by IS NULL AND available_at <= @now), 0) AS ready
       FROM fedify_queue
       WHERE channel = @channel AND (claimed_by IS NULL OR claimed_by = '${WAITING}')`,
    );
  }

  /** Stores one message, to run after `delay` and after earlier messages with its ordering key. */
  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  /** Stores several messages in one transaction, in the order given. */
  async enqueueMany(
    messages: readonly unknown[],
    options?: MessageQueueEnqueueOptions,
  ): Promise<void> {
    if (messages.length === 0) return;
    const now = Date.now();
    // The interface forbids negative delays; should one arrive anyway, "run it now" is the only
    // sensible reading, and refusing would drop an activity on the floor.
    const delayMs = options?.delay === undefined ? 0 : durationToMilliseconds(options.delay);
    const availableAt = now + Math.max(0, delayMs);
    const orderingKey = options?.orderingKey ?? null;
    const encoded = messages.map((message) => JSON.stringify(message) ?? "null");
    // IMMEDIATE, so that whether a key already has a row cannot change between the check in
    // the insert and the insert itself, even with another process finishing that row.
    this.#sqlite
      .transaction(() => {
        for (const message of encoded) {
          this.#insert.run({ channel: this.#channel, message, key: orderingKey, availableAt, now });
        }
      })
      .immediate();
    notifierFor(this.#sqlite).emit(this.#channel);
  }

  /**
   * Counts the messages not being handled now: ready ones, and delayed ones, which include those
   * waiting behind an earlier message with their ordering key.
   */
  async getDepth(): Promise<MessageQueueDepth> {
    const { queued, ready } = this.#depth.get({ channel: this.#channel, now: Date.now() })!;
    return { queued, ready, delayed: queued - ready };
  }

  /**
   * Runs `handler` on each message as it becomes ready, at most `concurrency` at a time, until
   * the signal aborts; then waits for the handlers already running and resolves.
   */
  async listen(handler: Handler, options?: MessageQueueListenOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return;
    // Each listen() call claims under its own token, so two listeners in one process (or one
    // queue listening twice) never mistake each other's claims for orphans.
    const token = `${this.#workerId}:${randomUUID()}`;
    liveClaimTokens.add(token);
    this.#takeBackOrphans(true);
    let orphansCheckedAt = Date.now();

    const inFlight = new Set<Promise<void>>();
    // A wake-up that arrives while the loop is busy claiming is kept, not lost (queue-wakeup.ts).
    const wakeup = new Wakeup();
    const wake = wakeup.wake;
    const notifier = notifierFor(this.#sqlite);
    notifier.on(this.#channel, wake);
    signal?.addEventListener("abort", wake);
    try {
      while (!signal?.aborted) {
        wakeup.clear();
        if (Date.now() - orphansCheckedAt >= this.#orphanCheckMs) {
          orphansCheckedAt = Date.now();
          this.#takeBackOrphans(false);
        }
        const free = this.#concurrency - inFlight.size;
        // Too few free slots to be worth a transaction: a running handler's end wakes us.
        const worthClaiming = free >= this.#minClaim;
        let rows: ClaimedRow[] = [];
        let waitMs = this.#pollIntervalMs;
        // Delayed messages that fall due while the claim runs must still count as upcoming
        // (a wait of zero), so the next one is looked for from before the claim, not after.
        const claimedAt = Date.now();
        try {
          if (worthClaiming) rows = this.#claimBatch(token, free);
          if (worthClaiming && rows.length < free) waitMs = this.#untilDue(claimedAt);
        } catch (error) {
          // A closed connection will never work again; anything else (the database busy
          // beyond its timeout, say) is worth another try after one poll interval.
          if (!this.#sqlite.open) {
            logger.error("Stopped listening: the database connection is closed");
            break;
          }
          logger.error("Could not claim messages; trying again shortly: {error}", { error });
        }
        for (const row of rows) {
          // Finishing a message may unblock the next one with its ordering key, for this
          // listener or another on the same connection, so every listener of the channel is
          // woken. Fedify keeps an ordering key within one channel (deliveries); should one
          // span two, the other channel's listener finds it at its next poll.
          const task: Promise<void> = this.#run(row, token, handler).finally(() => {
            inFlight.delete(task);
            notifier.emit(this.#channel);
          });
          inFlight.add(task);
        }
        if (wakeup.pending || signal?.aborted) continue;
        await wakeup.sleep(waitMs);
      }
    } finally {
      notifier.off(this.#channel, wake);
      signal?.removeEventListener("abort", wake);
      await Promise.all(inFlight);
      liveClaimTokens.delete(token);
    }
  }

  /** Returns the messages of listeners that stopped mid-handler to the queue. */
  #takeBackOrphans(freeWaiters: boolean): void {
    try {
      const released = this.#releaseOrphans(freeWaiters);
      if (released > 0) {
        logger.warn("Released {count} messages claimed by a process that stopped mid-handler", {
          count: released,
        });
      }
    } catch (error) {
      // listen() must not reject (Fedify does not expect it to); the orphans stay claimed
      // until the next check, and everything else still runs.
      logger.error("Could not release claims left by a stopped process: {error}", { error });
    }
  }

  /**
   * Milliseconds to sleep: until the next message delayed beyond `since` is due (at once if it
   * has fallen due meanwhile), or one poll interval.
   */
  #untilDue(since: number): number {
    const next = this.#nextDue.get(this.#channel, since)?.next;
    if (next === null || next === undefined) return this.#pollIntervalMs;
    return Math.max(0, Math.min(this.#pollIntervalMs, next - Date.now()));
  }

  /** Runs one claimed message; never rejects, since its outcome is recorded in the table. */
  async #run(row: ClaimedRow, token: string, handler: Handler): Promise<void> {
    try {
      await handler(JSON.parse(row.message));
    } catch (error) {
      const attempts = row.attempts + 1;
      const delayMs = retryDelayMs(this.#retryBaseDelayMs, attempts);
      logger.warn("Message {id} failed on attempt {attempts}; retrying in {delayMs} ms: {error}", {
        id: row.id,
        orderingKey: row.ordering_key,
        attempts,
        delayMs,
        error,
      });
      this.#record([row.id], () => {
        this.#releaseForRetry.run(attempts, Date.now() + delayMs, row.id, token);
      });
      return;
    }
    await this.#finishSoon(row.id, token);
  }

  /**
   * Deletes a handled message together with the others that finish in the same turn of the
   * event loop: one transaction for a batch of deliveries instead of one each, which was most
   * of the queue's own cost in a fan-out. Resolves once the row is gone (or its deletion
   * failed, when it stays claimed and runs again after a restart). A crash before the batch
   * is written leaves those messages to run again, which at-least-once delivery allows.
   */
  #finishSoon(id: number, token: string): Promise<void> {
    return new Promise((deleted) => {
      this.#finished.push({ id, token, deleted });
      if (this.#finished.length > 1) return;
      setImmediate(() => {
        const batch = this.#finished;
        this.#finished = [];
        this.#record(
          batch.map((item) => item.id),
          () => this.#finish(batch),
        );
        for (const item of batch) item.deleted();
      });
    });
  }

  /** Writes a message's outcome; if that fails the claim stays until restart, when it reruns. */
  #record(ids: number[], write: () => void): void {
    try {
      write();
    } catch (error) {
      logger.error("Could not record the outcome of messages {ids}; they will run again: {error}", {
        ids,
        error,
      });
    }
  }
}
