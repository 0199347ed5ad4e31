import type { Db } from "../db/client.ts";
import { currentCursor, formatCursor } from "../domain/live/cursor.ts";
import type { LiveWakeups } from "../federation/live-wakeup.ts";
import { logger } from "../logging.ts";

const log = logger("web", "live");

/** How often the shared poller looks for new activity while anyone is listening. */
export const POLL_INTERVAL_MS = 2_000;

/**
 * The one poller behind every open live stream of an application: while at least one
 * connection listens it reads the newest position every couple of seconds (see currentCursor)
 * and tells every listener when it moved; with nobody listening it stops. Listeners are only
 * told that something is new, not what: each connection then asks for what its own viewer may
 * see, so nothing private ever passes through shared state. Given wake-ups (the queue on
 * PostgreSQL), it also looks as soon as a worker says it has stored something.
 */
export class LiveHub {
  readonly #db: Db;
  readonly #intervalMs: number;
  readonly #listeners = new Set<() => void>();
  readonly #wakeups: Pick<LiveWakeups, "subscribe"> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopWakeups: (() => void) | undefined;
  #last = "";

  constructor(db: Db, intervalMs = POLL_INTERVAL_MS, wakeups?: Pick<LiveWakeups, "subscribe">) {
    this.#db = db;
    this.#intervalMs = intervalMs;
    this.#wakeups = wakeups;
  }

  /** How many connections are listening. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Calls `listener` whenever new activity is stored; returns the function that stops it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (!this.#timer) this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  #start(): void {
    this.#last = this.#read() ?? "";
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    // Open streams must never keep a stopping process alive.
    this.#timer.unref();
    if (this.#wakeups) {
      const subscribed = this.#wakeups
        .subscribe(() => this.#tick())
        .catch((error) => {
          // The poll goes on; only the wake-ups are missing.
          log.debug("Live stream wake-ups unavailable: {error}", { error });
          return () => {};
        });
      this.#stopWakeups = () => void subscribed.then((stop) => stop());
    }
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopWakeups?.();
    this.#stopWakeups = undefined;
  }

  #tick(): void {
    const position = this.#read();
    if (position === undefined || position === this.#last) return;
    this.#last = position;
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        log.warn("A live stream listener failed: {error}", { error });
      }
    }
  }

  /** The newest position as text, or undefined when the database cannot be read (closing). */
  #read(): string | undefined {
    try {
      return formatCursor(currentCursor(this.#db));
    } catch (error) {
      log.debug("Live stream poll failed: {error}", { error });
      return undefined;
    }
  }
}
