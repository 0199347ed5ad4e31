import { EventEmitter } from "node:events";
import { getLogger } from "@logtape/logtape";
import type pg from "pg";
import { loadPg } from "./driver.ts";

const logger = getLogger(["copse", "queue", "postgres"]);

/** How long to wait before opening the LISTEN connection again after it broke. */
const RECONNECT_DELAY_MS = 2_000;

/**
 * One LISTEN connection per pool, shared by every queue listening in this process: the inbox
 * and the outbox listeners cost one connection between them, not one each. Notifications carry
 * the queue channel ("inbox", "outbox") as their payload, and are passed on as events of that
 * name. A broken connection is reopened after a pause; until then listeners still poll, so
 * nothing is lost, only noticed later.
 */
class Notifications {
  readonly #pool: pg.Pool;
  readonly #notifyChannel: string;
  readonly #events = new EventEmitter();
  #client: pg.Client | undefined;
  #subscribers = 0;
  /** Settles once the current connection listens or has failed; subscribers wait for it. */
  #connecting: Promise<void> = Promise.resolve();
  #retry: NodeJS.Timeout | undefined;

  constructor(pool: pg.Pool, notifyChannel: string) {
    this.#pool = pool;
    this.#notifyChannel = notifyChannel;
    this.#events.setMaxListeners(0);
  }

  /**
   * Calls `wake` on each notification for `channel`; resolves once the connection listens (or
   * has failed, and will be retried), and returns the function that stops the calls.
   */
  async subscribe(channel: string, wake: () => void): Promise<() => void> {
    this.#events.on(channel, wake);
    this.#subscribers++;
    if (this.#subscribers === 1) this.#connecting = this.#connect();
    await this.#connecting;
    return () => {
      this.#events.off(channel, wake);
      this.#subscribers--;
      if (this.#subscribers === 0) this.#disconnect();
    };
  }

  async #connect(): Promise<void> {
    if (this.#pool.ending || this.#pool.ended) return;
    const client = new (loadPg().Client)(this.#pool.options);
    this.#client = client;
    client.on("notification", (message) => {
      if (message.payload) this.#events.emit(message.payload);
    });
    // Without a handler an error event would crash the process.
    client.on("error", (error) => this.#broken(client, error));
    client.on("end", () => this.#broken(client, undefined));
    try {
      await client.connect();
      await client.query(`LISTEN ${loadPg().escapeIdentifier(this.#notifyChannel)}`);
    } catch (error) {
      this.#broken(client, error);
    }
  }

  #broken(client: pg.Client, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    if (this.#subscribers === 0) return;
    logger.warn("Lost the queue's LISTEN connection; polling until it is back: {error}", {
      error,
    });
    // Work that arrived while nobody listened is found by the pollers; waking them all now
    // makes them look at once rather than after their interval.
    for (const name of this.#events.eventNames()) this.#events.emit(name);
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      if (this.#subscribers > 0 && this.#client === undefined) this.#connecting = this.#connect();
    }, RECONNECT_DELAY_MS);
    this.#retry.unref();
  }

  #disconnect(): void {
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    client?.end().catch(() => undefined);
  }
}

const byPool = new WeakMap<pg.Pool, Notifications>();

/** The shared LISTEN connection of a pool, for the given NOTIFY channel. */
export function notificationsFor(pool: pg.Pool, notifyChannel: string): Notifications {
  let notifications = byPool.get(pool);
  if (notifications === undefined) {
    notifications = new Notifications(pool, notifyChannel);
    byPool.set(pool, notifications);
  }
  return notifications;
}
