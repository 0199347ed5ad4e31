import "../helpers/temporal.ts";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { testMessageQueue } from "@fedify/testing";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import {
  PostgresMessageQueue,
  type PostgresMessageQueueOptions,
} from "../../src/federation/postgres/queue.ts";
import { ensurePostgresSchema } from "../../src/federation/postgres/schema.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";
import { gate, listen, sleep, stopAll, waitFor } from "../helpers/queue-harness.ts";

// The PostgreSQL queue that several Copse processes will share (issue 15). Queues on pools of
// their own stand in for separate processes; the crash test uses a real one, killed mid-message.

/** How long vi.waitFor retries an assertion about the table. */
const WAIT = { timeout: 20_000, interval: 20 };

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

interface Row {
  id: string;
  channel: string;
  message: string;
  claimed_by: string | null;
  attempts: number;
}

describeWithPostgres("PostgresMessageQueue", () => {
  let schema: TestSchema;
  const queueOn = (pool: pg.Pool, options: PostgresMessageQueueOptions = {}) =>
    new PostgresMessageQueue(pool, { pollIntervalMs: 60_000, ...options });
  const rows = async () =>
    (
      await schema.pool.query<Row>(
        "SELECT id, channel, message, claimed_by, attempts FROM fedify_queue ORDER BY id",
      )
    ).rows;

  beforeAll(async () => {
    schema = await freshSchema();
    await ensurePostgresSchema(schema.pool);
  });

  afterEach(async () => {
    await stopAll();
    await schema.pool.query("TRUNCATE fedify_queue");
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it("refuses a concurrency below one and a lease too short to renew", () => {
    expect(() => queueOn(schema.pool, { concurrency: 0 })).toThrow(RangeError);
    expect(() => queueOn(schema.pool, { leaseMs: 0 })).toThrow(RangeError);
  });

  it("is woken by NOTIFY when another process enqueues, long before its next poll", async () => {
    const received: unknown[] = [];
    listen(queueOn(schema.anotherPool()), (message) => {
      received.push(message);
    });
    // Let the listener make its first empty claim and go to sleep on its one-minute poll.
    await sleep(300);
    await queueOn(schema.pool).enqueue({ type: "Follow" });
    await waitFor(() => received.length === 1, 20_000);
    expect(received).toEqual([{ type: "Follow" }]);
  });

  it("never hands one message to two processes, and each message runs once", async () => {
    const first = queueOn(schema.anotherPool(), { concurrency: 4, workerId: "first" });
    const second = queueOn(schema.anotherPool(), { concurrency: 4, workerId: "second" });
    const handledBy = new Map<number, string[]>();
    const hold = gate();
    const handler = (name: string) => async (message: unknown) => {
      const n = message as number;
      handledBy.set(n, [...(handledBy.get(n) ?? []), name]);
      if (n < 8) await hold.opened;
    };
    listen(first, handler("first"));
    listen(second, handler("second"));
    // Eight messages whose handlers hang fill both listeners' four slots...
    await queueOn(schema.pool).enqueueMany([0, 1, 2, 3, 4, 5, 6, 7]);
    await waitFor(() => handledBy.size === 8);
    const holders = (await rows()).map((row) => row.claimed_by?.split(":")[0]);
    expect(holders.filter((h) => h === "first")).toHaveLength(4);
    expect(holders.filter((h) => h === "second")).toHaveLength(4);
    // ...and a burst of 200 more is shared out, each message run exactly once.
    hold.open();
    await queueOn(schema.pool).enqueueMany(Array.from({ length: 200 }, (_, i) => i + 8));
    await waitFor(() => handledBy.size === 208);
    expect([...handledBy.values()].filter((names) => names.length !== 1)).toEqual([]);
    // A row goes only after its handler has finished, so the last ones may still be going.
    await vi.waitFor(async () => expect(await rows()).toEqual([]), WAIT);
  });

  it("keeps each channel's messages to that channel's listeners", async () => {
    const inbox: unknown[] = [];
    const outbox: unknown[] = [];
    listen(queueOn(schema.pool, { channel: "inbox" }), (m) => {
      inbox.push(m);
    });
    listen(queueOn(schema.anotherPool(), { channel: "outbox" }), (m) => {
      outbox.push(m);
    });
    await queueOn(schema.pool, { channel: "outbox" }).enqueueMany(["delivery 1", "delivery 2"]);
    await queueOn(schema.pool, { channel: "inbox" }).enqueue("Create");
    await waitFor(() => inbox.length + outbox.length === 3);
    expect(inbox).toEqual(["Create"]);
    expect(outbox.sort()).toEqual(["delivery 1", "delivery 2"]);
  });

  it("holds a delayed message until it is due, counting it as delayed", async () => {
    const queue = queueOn(schema.pool);
    const received: { message: unknown; at: number }[] = [];
    const enqueuedAt = Date.now();
    await queue.enqueue("later", { delay: Temporal.Duration.from({ milliseconds: 1_500 }) });
    await queue.enqueue("now");
    expect(await queue.getDepth()).toEqual({ queued: 2, ready: 1, delayed: 1 });
    listen(queue, (message) => {
      received.push({ message, at: Date.now() });
    });
    await waitFor(() => received.length === 2);
    expect(received.map((r) => r.message)).toEqual(["now", "later"]);
    expect(received[1]!.at).toBeGreaterThanOrEqual(enqueuedAt + 1_500);
    expect(await queue.getDepth()).toEqual({ queued: 0, ready: 0, delayed: 0 });
  });

  it("retries a message whose handler throws, after a pause, and then deletes it", async () => {
    const queue = queueOn(schema.pool, { retryBaseDelayMs: 50 });
    let calls = 0;
    listen(queue, () => {
      calls++;
      if (calls === 1) throw new Error("the peer is down");
    });
    await queue.enqueue("flaky");
    await waitFor(() => calls === 2);
    await vi.waitFor(async () => expect(await rows()).toEqual([]), WAIT);
  });

  it("renews the lease of a slow handler, so no other process takes its message", async () => {
    const leaseMs = 200;
    const slow = queueOn(schema.anotherPool(), { leaseMs, workerId: "slow" });
    const other = queueOn(schema.anotherPool(), { leaseMs, pollIntervalMs: 50 });
    const hold = gate();
    const started: string[] = [];
    listen(slow, async () => {
      started.push("slow");
      await hold.opened;
    });
    await slow.enqueue("long job");
    await waitFor(() => started.length === 1);
    listen(other, () => {
      started.push("other");
    });
    // Watch the lease move forward twice: each time it would have lapsed without renewal.
    const leaseUntil = async () =>
      (await schema.pool.query<{ t: Date }>("SELECT lease_until AS t FROM fedify_queue")).rows[0]!
        .t;
    const seen = new Set([(await leaseUntil()).getTime()]);
    await vi.waitFor(async () => {
      seen.add((await leaseUntil()).getTime());
      expect(seen.size).toBeGreaterThanOrEqual(3);
    }, WAIT);
    expect(started).toEqual(["slow"]);
    expect((await rows())[0]!.claimed_by).toMatch(/^slow:/);
    hold.open();
    await vi.waitFor(async () => expect(await rows()).toEqual([]), WAIT);
    expect(started).toEqual(["slow"]);
  });

  it("runs @fedify/testing's message queue checks, ordering keys included", {
    timeout: 90_000,
  }, async () => {
    // Each instance on a pool of its own, as two processes would be; the one-minute poll means
    // every prompt delivery below was woken by NOTIFY or by a delayed message falling due.
    await testMessageQueue(
      () => queueOn(schema.anotherPool()),
      ({ controller }) => controller.abort(),
      { testOrderingKey: true },
    );
    expect(await rows()).toEqual([]);
  });

  describeWithPostgres("when a worker process is killed mid-message", () => {
    let child: ChildProcess | undefined;

    afterEach(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });

    it("hands the message to another process once the dead one's lease lapses", async () => {
      const leaseMs = 500;
      await queueOn(schema.pool).enqueue({ kind: "blocking" });
      const worker = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          join(projectRoot, "test/fixtures/pg-queue-worker.ts"),
          schema.url,
          `${leaseMs}`,
        ],
        { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] },
      );
      child = worker;
      let stderr = "";
      worker.stderr?.on("data", (chunk) => {
        stderr += chunk;
      });
      const started: unknown[] = [];
      createInterface({ input: worker.stdout! }).on("line", (line) =>
        started.push(JSON.parse(line)),
      );
      const exited = once(worker, "exit");
      await Promise.race([
        waitFor(() => started.length > 0, 30_000),
        exited.then(() => {
          throw new Error(`The worker exited before its handler started:\n${stderr}`);
        }),
      ]);
      worker.kill("SIGKILL");
      await exited;
      expect(started).toEqual([{ event: "started", message: { kind: "blocking" } }]);
      expect(await rows()).toEqual([
        expect.objectContaining({ claimed_by: expect.stringMatching(/^doomed-worker:/) }),
      ]);

      const received: unknown[] = [];
      listen(queueOn(schema.anotherPool(), { leaseMs }), (message) => {
        received.push(message);
      });
      await waitFor(() => received.length === 1);
      expect(received).toEqual([{ kind: "blocking" }]);
      await vi.waitFor(async () => expect(await rows()).toEqual([]), WAIT);
    });
  });
});
