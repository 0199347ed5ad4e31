import type { MessageQueue } from "@fedify/fedify";
import type { Db } from "../../src/db/client.ts";

// Shared by the queue tests: listeners and gates that are always cleaned up after a test, so a
// failing test reports its failure instead of hanging, and a look at the raw queue table.

/** Waits the given number of milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the predicate holds, failing after the timeout. */
export async function waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`Condition not met in ${timeoutMs} ms`);
    await sleep(10);
  }
}

// Gates still shut when a test ends (because an assertion failed first) are opened by stopAll,
// so a failing test reports its failure instead of hanging on a handler that never returns.
const gates: (() => void)[] = [];

/** A promise the test settles by hand, to hold a handler open. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  gates.push(open);
  return { opened, open };
}

export type Handler = (message: unknown) => Promise<void> | void;

// Every listener a test starts is stopped after it, so a failing test cannot leave one polling.
const running: { controller: AbortController; done: Promise<void> }[] = [];

/** Starts a listener that stopAll() will stop after the test. */
export function listen(queue: Pick<MessageQueue, "listen">, handler: Handler) {
  const controller = new AbortController();
  const done = queue.listen(handler, { signal: controller.signal });
  running.push({ controller, done });
  return {
    done,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

/** Opens every gate and stops every listener a test started. */
export async function stopAll(): Promise<void> {
  for (const open of gates.splice(0)) open();
  for (const { controller } of running) controller.abort();
  await Promise.all(running.splice(0).map(({ done }) => done));
}

/** The queue table's rows, oldest first. */
export function rows(db: Db) {
  return db.$client
    .prepare("SELECT id, message, claimed_by, attempts, available_at FROM fedify_queue ORDER BY id")
    .all() as {
    id: number;
    message: string;
    claimed_by: string | null;
    attempts: number;
    available_at: number;
  }[];
}
