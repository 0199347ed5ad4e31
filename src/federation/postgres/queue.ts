import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type pg from "pg";
import { durationToMilliseconds } from "../kv.ts";
import { retryDelayMs, Wakeup } from "../queue-wakeup.ts";
import { notificationsFor } from "./notify.ts";
import { openPresence, type Presence } from "./presence.ts";
import { ensurePostgresSchema, inTransaction, type PostgresSchema, WAITING } from "./schema.ts";

const logger = getLogger(["copse", "queue", "postgres"]);

/** Added to the measured claim time, for the round trips on either side of it. */
const CLOCK_SLACK_MS = 20;

/**
 * The first half of the advisory lock taken on an ordering key (the second is the key's hash):
 * enqueueing behind a key and finishing a message of it take the lock, so a message can never
 * be marked as waiting behind one that is being deleted at that moment, and stay stranded.
 */
const KEY_LOCK_SPACE = 0x636f70;

/** Options for {@link PostgresMessageQueue}. */
export interface PostgresMessageQueueOptions {
  /**
   * How often listen() looks for work without being notified; 5 s by default. NOTIFY wakes it
   * for new work at once, so this only bounds how late a lost notification is noticed.
   */
  pollIntervalMs?: number;
  /** How many handlers may run at once in one listen() call; 4 by default. */
  concurrency?: number;
  /** The part of the table this queue enqueues into and listens to; "default" by default. */
  channel?: string;
  /** Names this process in `claimed_by`, to tell whose claim a row is; host:pid by default. */
  workerId?: string;
  /** Wait before retrying a message whose handler threw, doubled each attempt; 1 s by default. */
  retryBaseDelayMs?: number;
  /**
   * How long a claim lasts unless renewed; 60 s by default. A listener renews its claims every
   * third of this while their handlers run, so only a process that died (or hung, or lost the
   * database) lets a lease lapse, and then any listener takes the message again.
   */
  leaseMs?: number;
}

interface ClaimedRow {
  id: string;
  message: string;
  ordering_key: string | null;
  attempts: number;
}

type Handler = (message: unknown) => Promise<void> | void;

/**
 * Fedify's message queue on PostgreSQL, for several processes on several machines sharing one
 * database. A message is claimed with `FOR UPDATE SKIP LOCKED` under a lease, and deleted only
 * after its handler resolves; a listener renews the leases of the messages it is handling, and
 * a lease that lapses (its process died) returns the message to the queue. So no message runs
 * in two places at once while its handler's process lives, and none is lost when it dies.
 * A listener also holds a database session of its own while it listens, and its claims name
 * that session: when the session ends (its process was killed, and the server closed the
 * connection), any other listener returns the claims within a poll, without waiting out the
 * lease. New work wakes listeners through `LISTEN/NOTIFY`, with a slow poll behind it. Messages with
 * an ordering key run one at a time, in the order they were enqueued, across every listener.
 */
export class PostgresMessageQueue implements MessageQueue {
  /** As for the SQLite queue: Fedify applies its own retry policy. */
  readonly nativeRetrial = false;
  readonly #pool: pg.Pool;
  readonly #pollIntervalMs: number;
  readonly #concurrency: number;
  readonly #channel: string;
  readonly #workerId: string;
  readonly #retryBaseDelayMs: number;
  readonly #leaseMs: number;

  /** Checks the options; the tables are made on first use. */
  constructor(pool: pg.Pool, options: PostgresMessageQueueOptions = {}) {
    this.#pool = pool;
    this.#pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.#concurrency = options.concurrency ?? 4;
    this.#channel = options.channel ?? "default";
    this.#workerId = options.workerId ?? `${hostname()}:${process.pid}`;
    this.#retryBaseDelayMs = options.retryBaseDelayMs ?? 1000;
    this.#leaseMs = options.leaseMs ?? 60_000;
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1) {
      throw new RangeError("concurrency must be a positive integer");
    }
    if (!(this.#leaseMs >= 30)) throw new RangeError("leaseMs must be at least 30");
  }

  /** Stores one message, to run after `delay` and after earlier messages with its ordering key. */
  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  /** Stores several messages in one transaction, in the order given, and notifies listeners. */
  async enqueueMany(
    messages: readonly unknown[],
    options?: MessageQueueEnqueueOptions,
  ): Promise<void> {
    if (messages.length === 0) return;
    const { notifyChannel } = await ensurePostgresSchema(this.#pool);
    // A negative delay means "now", as in the SQLite queue.
    const delayMs = options?.delay === undefined ? 0 : durationToMilliseconds(options.delay);
    const key = options?.orderingKey ?? null;
    const encoded = messages.map((message) => JSON.stringify(message) ?? "null");
    // Every message of a key after the first waits, whether behind one already in the table or
    // behind the earlier ones of this batch. The notification goes out when the insert commits.
    const insert = `WITH inserted AS (
        INSERT INTO fedify_queue (channel, message, ordering_key, available_at, claimed_by)
        SELECT $1, m.message, $3::text,
          clock_timestamp() + greatest($4::double precision, 0) * interval '1 millisecond',
          CASE WHEN $3::text IS NOT NULL AND (m.n > 1 OR EXISTS (
            SELECT 1 FROM fedify_queue WHERE ordering_key = $3::text)) THEN '${WAITING}' END
        FROM unnest($2::text[]) WITH ORDINALITY AS m(message, n) ORDER BY m.n
        RETURNING 1)
      SELECT pg_notify($5, $1) FROM (SELECT 1 FROM inserted LIMIT 1) AS any_row`;
    const params = [this.#channel, encoded, key, delayMs, notifyChannel];
    if (key === null) {
      await this.#pool.query(insert, params);
      return;
    }
    // The key's lock is taken in a statement of its own, so the insert's snapshot, taken when
    // its statement starts, already sees whatever the lock's holder committed.
    await inTransaction(this.#pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [KEY_LOCK_SPACE, key]);
      await client.query(insert, params);
    });
  }

  /**
   * Counts the messages not being handled now: ready ones, and delayed ones, which include those
   * waiting behind an earlier message with their ordering key.
   */
  async getDepth(): Promise<MessageQueueDepth> {
    await ensurePostgresSchema(this.#pool);
    const { rows } = await this.#pool.query<{ queued: number; ready: number }>(
      `SELECT count(*)::int AS queued,
         (count(*) FILTER (WHERE claimed_by IS NULL AND available_at <= clock_timestamp()))::int
           AS ready
       FROM fedify_queue
       WHERE channel = $1 AND (claimed_by IS NULL OR claimed_by = '${WAITING}')`,
      [this.#channel],
    );
    const { queued, ready } = rows[0]!;
    return { queued, ready, delayed: queued - ready };
  }

  /**
   * Runs `handler` on each message as it becomes ready, at most `concurrency` at a time, until
   * the signal aborts; then waits for the handlers already running and resolves. Never rejects:
   * a database that cannot be reached is logged and tried again at each poll.
   */
  async listen(handler: Handler, options?: MessageQueueListenOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return;
    const token = `${this.#workerId}:${randomUUID()}`;
    const inFlight = new Set<Promise<void>>();
    const wakeup = new Wakeup();
    const { wake } = wakeup;
    signal?.addEventListener("abort", wake);
    let unsubscribe = () => {};
    let schema: PostgresSchema | undefined;
    let presence: Presence | undefined;
    // Renewing this listener's leases and returning lapsed ones run on a timer of their own, so
    // that a loop waiting on a long poll still keeps its claims alive. It runs at least once a
    // poll interval, so a dead listener's claims come back that soon.
    const housekeeping = setInterval(
      () => {
        if (schema) void this.#keepHouse(schema, token, inFlight.size > 0);
      },
      Math.min(this.#leaseMs / 3, this.#pollIntervalMs),
    );
    try {
      while (!signal?.aborted) {
        wakeup.clear();
        let waitMs = this.#pollIntervalMs;
        try {
          if (schema === undefined) {
            schema = await ensurePostgresSchema(this.#pool);
            unsubscribe = await notificationsFor(this.#pool, schema.notifyChannel).subscribe(
              this.#channel,
              wake,
            );
            await this.#keepHouse(schema, token, false, true);
          }
          if (presence === undefined || presence.ended) presence = await openPresence(this.#pool);
          const free = this.#concurrency - inFlight.size;
          const claimStarted = performance.now();
          const rows = free > 0 ? await this.#claim(token, free, presence.pid) : [];
          for (const row of rows) {
            const task: Promise<void> = this.#run(row, token, handler, schema).finally(() => {
              inFlight.delete(task);
              wake();
            });
            inFlight.add(task);
          }
          // A delayed message that fell due while the claim ran must still count as upcoming
          // (a wait of zero), so the next one is looked for from when the claim began.
          if (rows.length < free) {
            waitMs = await this.#untilDue(performance.now() - claimStarted + CLOCK_SLACK_MS);
          }
        } catch (error) {
          if (this.#pool.ending || this.#pool.ended) {
            logger.error("Stopped listening: the database pool was closed");
            break;
          }
          logger.error("Could not claim messages; trying again shortly: {error}", { error });
        }
        if (wakeup.pending || signal?.aborted) continue;
        await wakeup.sleep(waitMs);
      }
    } finally {
      signal?.removeEventListener("abort", wake);
      unsubscribe();
      await Promise.all(inFlight);
      clearInterval(housekeeping);
      presence?.close();
    }
  }

  /** Claims up to `limit` ready messages for this listener, under a fresh lease. */
  async #claim(token: string, limit: number, holderPid: number): Promise<ClaimedRow[]> {
    // A message is ready when it is unclaimed, due, and no earlier message with its ordering
    // key is still in the table. The WAITING mark keeps such messages out of the ready index;
    // the NOT EXISTS stays as a cheap guarantee. SKIP LOCKED lets concurrent claimers take
    // different rows instead of queueing behind each other's locks.
    const { rows } = await this.#pool.query<ClaimedRow>(
      `WITH next AS (
         SELECT q.id FROM fedify_queue q
         WHERE q.channel = $1 AND q.claimed_by IS NULL AND q.available_at <= clock_timestamp()
           AND (q.ordering_key IS NULL OR NOT EXISTS (
             SELECT 1 FROM fedify_queue p WHERE p.ordering_key = q.ordering_key AND p.id < q.id))
         ORDER BY q.available_at, q.id
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
       UPDATE fedify_queue f
       SET claimed_by = $3, holder_pid = $5,
         lease_until = clock_timestamp() + $4::double precision * interval '1 millisecond'
       FROM next WHERE f.id = next.id
       RETURNING f.id, f.message, f.ordering_key, f.attempts`,
      [this.#channel, limit, token, this.#leaseMs, holderPid],
    );
    return rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  }

  /**
   * Milliseconds to sleep: until the next message delayed beyond `lookBackMs` ago is due (at
   * once if it has fallen due meanwhile), or one poll interval. The look-back is a duration
   * measured here, so the database's clock alone decides what is due.
   */
  async #untilDue(lookBackMs: number): Promise<number> {
    const { rows } = await this.#pool.query<{ ms: number | null }>(
      `SELECT (extract(epoch FROM min(available_at) - clock_timestamp()) * 1000)::float8 AS ms
       FROM fedify_queue
       WHERE channel = $1 AND claimed_by IS NULL
         AND available_at > clock_timestamp() - $2::double precision * interval '1 millisecond'`,
      [this.#channel, lookBackMs],
    );
    const ms = rows[0]?.ms;
    if (ms === null || ms === undefined) return this.#pollIntervalMs;
    return Math.max(0, Math.min(this.#pollIntervalMs, Math.ceil(ms)));
  }

  /**
   * Renews this listener's leases (when it has messages in hand) and returns messages whose
   * lease lapsed to the queue, counting the lapse as an attempt. At start it also frees any
   * message left waiting behind an ordering key with nothing in front of it, which only a
   * table edited by hand can hold.
   */
  async #keepHouse(
    { notifyChannel }: PostgresSchema,
    token: string,
    renew: boolean,
    starting = false,
  ): Promise<void> {
    try {
      if (renew) {
        await this.#pool.query(
          `UPDATE fedify_queue SET lease_until = clock_timestamp() + $2::double precision * interval '1 millisecond'
           WHERE claimed_by = $1`,
          [token, this.#leaseMs],
        );
      }
      const { rows } = await this.#pool.query<{ id: string; channel: string }>(
        `WITH lapsed AS (
           UPDATE fedify_queue
           SET claimed_by = NULL, holder_pid = NULL, lease_until = NULL, attempts = attempts + 1
           WHERE lease_until < clock_timestamp()
           RETURNING id, channel)
         SELECT id, channel, pg_notify($1, channel) FROM lapsed`,
        [notifyChannel],
      );
      if (rows.length > 0) {
        logger.warn("Returned {count} messages whose handler's lease lapsed: {ids}", {
          count: rows.length,
          ids: rows.map((row) => row.id),
        });
      }
      // pg_stat_activity lists every live session of the server, whoever may read their
      // details; a claim whose session is not among them was left by a listener that died.
      const orphaned = await this.#pool.query<{ id: string }>(
        `WITH orphaned AS (
           UPDATE fedify_queue
           SET claimed_by = NULL, holder_pid = NULL, lease_until = NULL, attempts = attempts + 1
           WHERE holder_pid IS NOT NULL
             AND holder_pid NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)
           RETURNING id, channel)
         SELECT id, pg_notify($1, channel) FROM orphaned`,
        [notifyChannel],
      );
      if (orphaned.rows.length > 0) {
        logger.warn("Returned {count} messages whose listener's database session ended: {ids}", {
          count: orphaned.rows.length,
          ids: orphaned.rows.map((row) => row.id),
        });
      }
      if (starting) {
        await this.#pool.query(
          `UPDATE fedify_queue q SET claimed_by = NULL
           WHERE claimed_by = '${WAITING}' AND NOT EXISTS (
             SELECT 1 FROM fedify_queue p WHERE p.ordering_key = q.ordering_key AND p.id < q.id)`,
        );
      }
    } catch (error) {
      logger.error("Could not renew or return message leases: {error}", { error });
    }
  }

  /** Runs one claimed message; never rejects, since its outcome is recorded in the table. */
  async #run(
    row: ClaimedRow,
    token: string,
    handler: Handler,
    schema: PostgresSchema,
  ): Promise<void> {
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
      await this.#record(row, () =>
        this.#pool.query(
          `UPDATE fedify_queue SET claimed_by = NULL, holder_pid = NULL, lease_until = NULL, attempts = $1,
             available_at = clock_timestamp() + $2::double precision * interval '1 millisecond'
           WHERE id = $3 AND claimed_by = $4`,
          [attempts, delayMs, row.id, token],
        ),
      );
      return;
    }
    await this.#record(row, () => this.#finish(row, token, schema));
  }

  /**
   * Deletes a handled message and frees the next one of its ordering key, in one transaction
   * under the key's lock, and wakes the listeners of the freed message's channel.
   */
  async #finish(row: ClaimedRow, token: string, { notifyChannel }: PostgresSchema) {
    const remove = "DELETE FROM fedify_queue WHERE id = $1 AND claimed_by = $2";
    const key = row.ordering_key;
    if (key === null) return this.#pool.query(remove, [row.id, token]);
    return inTransaction(this.#pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [KEY_LOCK_SPACE, key]);
      const deleted = await client.query(remove, [row.id, token]);
      await client.query(
        `WITH freed AS (
           UPDATE fedify_queue SET claimed_by = NULL
           WHERE claimed_by = '${WAITING}'
             AND id = (SELECT min(id) FROM fedify_queue WHERE ordering_key = $1)
           RETURNING channel)
         SELECT pg_notify($2, channel) FROM freed`,
        [key, notifyChannel],
      );
      return deleted;
    });
  }

  /** Writes a message's outcome; if that fails the lease lapses and the message runs again. */
  async #record(row: ClaimedRow, write: () => Promise<{ rowCount: number | null }>) {
    try {
      const { rowCount } = await write();
      if (rowCount === 0) {
        // The lease lapsed while the handler ran (the database was out of reach, or the
        // process stalled for longer than the lease) and another listener has the message.
        logger.warn("Message {id} was taken back before its handler finished; it may run twice", {
          id: row.id,
        });
      }
    } catch (error) {
      logger.error("Could not record the outcome of message {id}; it will run again: {error}", {
        id: row.id,
        error,
      });
    }
  }
}
