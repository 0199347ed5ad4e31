// Pieces a queue's listen() loop needs whatever the database: a sleep that new work cuts short,
// and the pause before a failed message's next attempt. Both the PostgreSQL and the SQLite
// queue use them.

/** The longest a failing message waits before its next attempt. */
const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/** The pause before attempt `attempts + 1` of a message whose handler threw: doubled each time. */
export function retryDelayMs(baseMs: number, attempts: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** (attempts - 1));
}

/**
 * Lets a listener loop sleep between claims until woken. A wake-up that comes while the loop is
 * busy claiming is kept (`pending`), so it is not lost between the claim and the sleep.
 */
export class Wakeup {
  #pending = false;
  #interrupt: (() => void) | undefined;

  /** Asks the loop to look for work now. */
  readonly wake = (): void => {
    this.#pending = true;
    this.#interrupt?.();
  };

  /** Whether a wake-up came since the last {@link clear}. */
  get pending(): boolean {
    return this.#pending;
  }

  /** Forgets earlier wake-ups; the loop calls it as it starts a round of claims. */
  clear(): void {
    this.#pending = false;
  }

  /** Sleeps for `ms`, or until woken. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        this.#interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(stop, ms);
      this.#interrupt = stop;
    });
  }
}
