import "../helpers/temporal.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { announcingLive, postgresLiveWakeups } from "../../src/federation/live-wakeup.ts";
import { PostgresMessageQueue } from "../../src/federation/postgres/queue.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";
import { listen, stopAll, waitFor } from "../helpers/queue-harness.ts";

// With the queue on PostgreSQL, a worker that has applied an incoming activity wakes the web
// processes' live streams over the queue database's NOTIFY channel. Pools of their own stand in
// for the worker's and the web process's connections.

describeWithPostgres("live stream wake-ups over PostgreSQL", () => {
  let schema: TestSchema;

  beforeAll(async () => {
    schema = await freshSchema();
  });

  afterAll(async () => {
    await stopAll();
    await schema?.drop();
  });

  it("wakes another process's subscriber once an inbox message has been handled", async () => {
    const worker = schema.anotherPool();
    const web = postgresLiveWakeups(schema.anotherPool());
    let woken = 0;
    const stop = await web.subscribe(() => {
      woken++;
    });
    try {
      const inbox = announcingLive(
        new PostgresMessageQueue(worker, { channel: "inbox", pollIntervalMs: 50 }),
        postgresLiveWakeups(worker),
      );
      const handled: unknown[] = [];
      listen(inbox, (message) => {
        handled.push(message);
      });
      // Nothing handled yet, nothing announced.
      expect(woken).toBe(0);
      await inbox.enqueue("Create 1");
      await waitFor(() => handled.length === 1 && woken > 0);
    } finally {
      stop();
    }
  });
});
