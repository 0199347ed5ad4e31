import "../helpers/temporal.ts";
import { testMessageQueue } from "@fedify/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { SqliteMessageQueue, type SqliteMessageQueueOptions } from "../../src/federation/queue.ts";
import { freshSqliteDb } from "../helpers/db.ts";
import { gate, listen, rows, sleep, stopAll, waitFor } from "../helpers/queue-harness.ts";

describe("SqliteMessageQueue", () => {
  let db: Db;
  const queueOn = (options: SqliteMessageQueueOptions = {}) =>
    new SqliteMessageQueue(db, { pollIntervalMs: 50, ...options });

  beforeEach(() => {
    // SQLite's own store and queue, in every run: PostgreSQL's are tested in postgres-*.test.ts.
    db = freshSqliteDb();
  });

  afterEach(async () => {
    await stopAll();
    db.$client.close();
  });

  it("refuses a concurrency below one", () => {
    expect(() => queueOn({ concurrency: 0 })).toThrow(RangeError);
  });

  it("delivers a message and deletes its row only after the handler resolves", async () => {
    const queue = queueOn();
    const received: unknown[] = [];
    const hold = gate();
    listen(queue, async (message) => {
      received.push(message);
      await hold.opened;
    });
    await queue.enqueue({ type: "Create", id: "https://example.com/1" });
    await waitFor(() => received.length === 1);
    expect(received).toEqual([{ type: "Create", id: "https://example.com/1" }]);
    expect(rows(db)).toEqual([expect.objectContaining({ claimed_by: expect.any(String) })]);
    hold.open();
    await waitFor(() => rows(db).length === 0);
    expect(received).toHaveLength(1);
  });

  it("wakes a listener at once for a message enqueued in the same process", async () => {
    const queue = queueOn({ pollIntervalMs: 60_000 });
    const received: unknown[] = [];
    listen(queue, (message) => {
      received.push(message);
    });
    // Let the listener finish its first empty look and go to sleep for the long poll.
    await sleep(50);
    await new SqliteMessageQueue(db).enqueue("ping");
    await waitFor(() => received.length === 1, 1_000);
    expect(received).toEqual(["ping"]);
  });

  it("holds a delayed message until its delay has passed, then runs it promptly", async () => {
    const queue = queueOn({ pollIntervalMs: 60_000 });
    const deliveredAt: number[] = [];
    listen(queue, () => {
      deliveredAt.push(Date.now());
    });
    const enqueuedAt = Date.now();
    await queue.enqueue("later", { delay: Temporal.Duration.from({ milliseconds: 400 }) });
    expect(await queue.getDepth()).toEqual({ queued: 1, ready: 0, delayed: 1 });
    // The listener sleeps until the message is due rather than for the whole poll interval
    // (a minute here): waiting at most half of it proves that without depending on how busy
    // the machine is.
    await waitFor(() => deliveredAt.length === 1, 30_000);
    expect(deliveredAt[0]! - enqueuedAt).toBeGreaterThanOrEqual(400);
  });

  it("enqueues many messages at once, delayed together and in order", async () => {
    const queue = queueOn({ concurrency: 1 });
    const received: { message: unknown; at: number }[] = [];
    listen(queue, (message) => {
      received.push({ message, at: Date.now() });
    });
    const enqueuedAt = Date.now();
    await queue.enqueueMany(["one", "two", "three"], {
      delay: Temporal.Duration.from({ milliseconds: 200 }),
    });
    await waitFor(() => received.length === 3);
    expect(received.map((r) => r.message)).toEqual(["one", "two", "three"]);
    expect(Math.min(...received.map((r) => r.at)) - enqueuedAt).toBeGreaterThanOrEqual(200);
  });

  it("runs messages sharing an ordering key one at a time, in enqueue order", async () => {
    const queue = queueOn({ concurrency: 4 });
    const active = new Map<string, number>();
    const maxActive = new Map<string, number>();
    let overall = 0;
    let maxOverall = 0;
    const order: string[] = [];
    listen(queue, async (message) => {
      const { key, n } = message as { key: string; n: number };
      active.set(key, (active.get(key) ?? 0) + 1);
      maxActive.set(key, Math.max(maxActive.get(key) ?? 0, active.get(key)!));
      maxOverall = Math.max(maxOverall, ++overall);
      // Later messages finish faster, so any reordering would show.
      await sleep(30 - n * 5);
      order.push(`${key}${n}`);
      active.set(key, active.get(key)! - 1);
      overall--;
    });
    for (let n = 1; n <= 5; n++) {
      await queue.enqueue({ key: "a", n }, { orderingKey: "a" });
      await queue.enqueue({ key: "b", n }, { orderingKey: "b" });
    }
    await waitFor(() => order.length === 10);
    expect(order.filter((s) => s.startsWith("a"))).toEqual(["a1", "a2", "a3", "a4", "a5"]);
    expect(order.filter((s) => s.startsWith("b"))).toEqual(["b1", "b2", "b3", "b4", "b5"]);
    expect(Object.fromEntries(maxActive)).toEqual({ a: 1, b: 1 });
    // Different keys still run side by side.
    expect(maxOverall).toBe(2);
  });

  it("keeps later messages of an ordering key waiting while an earlier one is retried", async () => {
    const queue = queueOn({ retryBaseDelayMs: 100 });
    const log: string[] = [];
    let failedOnce = false;
    listen(queue, (message) => {
      if (message === "first" && !failedOnce) {
        failedOnce = true;
        log.push("first failed");
        throw new Error("remote server is down");
      }
      log.push(String(message));
    });
    await queue.enqueue("first", { orderingKey: "inbox" });
    await queue.enqueue("second", { orderingKey: "inbox" });
    await queue.enqueue("unrelated");
    await waitFor(() => log.length === 4);
    expect(log.filter((entry) => entry !== "unrelated")).toEqual([
      "first failed",
      "first",
      "second",
    ]);
  });

  it("never runs more handlers at once than its concurrency", async () => {
    const queue = queueOn({ concurrency: 3 });
    let active = 0;
    let maxActive = 0;
    let finished = 0;
    listen(queue, async () => {
      maxActive = Math.max(maxActive, ++active);
      await sleep(20);
      active--;
      finished++;
    });
    await queue.enqueueMany(Array.from({ length: 12 }, (_, i) => i));
    await waitFor(() => finished === 12);
    expect(maxActive).toBe(3);
  });

  it("with minClaim, fills free slots in groups while handlers run, and still drains", async () => {
    expect(() => queueOn({ minClaim: 0 })).toThrow(RangeError);
    const queue = queueOn({ concurrency: 4, minClaim: 2 });
    const holds = Array.from({ length: 8 }, () => gate());
    const started: number[] = [];
    listen(queue, async (message) => {
      started.push(message as number);
      await holds[message as number]!.opened;
    });
    await queue.enqueueMany(Array.from({ length: 8 }, (_, i) => i));
    await waitFor(() => started.length === 4);
    holds[started[0]!]!.open();
    // One slot is free and its row deleted, but a single slot is not worth a claim, however
    // many polls pass (three here).
    await waitFor(() => rows(db).length === 7);
    await sleep(150);
    expect(started).toHaveLength(4);
    holds[started[1]!]!.open();
    await waitFor(() => started.length === 6);
    for (const hold of holds) hold.open();
    await waitFor(() => rows(db).length === 0);
    expect([...started].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("retries a message whose handler threw, after a backoff", async () => {
    const queue = queueOn({ retryBaseDelayMs: 150 });
    const attemptsAt: number[] = [];
    listen(queue, () => {
      attemptsAt.push(Date.now());
      if (attemptsAt.length < 3) throw new Error(`failure ${attemptsAt.length}`);
    });
    await queue.enqueue({ type: "Follow" });
    await waitFor(() => attemptsAt.length === 1);
    await waitFor(() => rows(db)[0]?.claimed_by === null);
    expect(rows(db)).toEqual([
      expect.objectContaining({ attempts: 1, available_at: expect.any(Number) }),
    ]);
    expect(rows(db)[0]!.available_at).toBeGreaterThan(attemptsAt[0]!);
    await waitFor(() => attemptsAt.length === 3 && rows(db).length === 0);
    // The second wait doubles the first.
    expect(attemptsAt[1]! - attemptsAt[0]!).toBeGreaterThanOrEqual(150);
    expect(attemptsAt[2]! - attemptsAt[1]!).toBeGreaterThanOrEqual(300);
  });

  it("reports depth, leaving out messages being handled", async () => {
    const queue = queueOn({ concurrency: 1 });
    expect(await queue.getDepth()).toEqual({ queued: 0, ready: 0, delayed: 0 });
    await queue.enqueue("a");
    await queue.enqueue("b");
    await queue.enqueue("c", { delay: Temporal.Duration.from({ hours: 1 }) });
    expect(await queue.getDepth()).toEqual({ queued: 3, ready: 2, delayed: 1 });
    // A message behind an earlier one with its ordering key is not ready yet.
    await queue.enqueue("d", { orderingKey: "k" });
    await queue.enqueue("e", { orderingKey: "k" });
    expect(await queue.getDepth()).toEqual({ queued: 5, ready: 3, delayed: 2 });
    const hold = gate();
    let started = 0;
    listen(queue, async () => {
      started++;
      await hold.opened;
    });
    await waitFor(() => started === 1);
    expect(await queue.getDepth()).toEqual({ queued: 4, ready: 2, delayed: 2 });
    hold.open();
  });

  it("lets listen() resolve on abort only after running handlers finish", async () => {
    const queue = queueOn();
    const hold = gate();
    let started = false;
    const listener = listen(queue, async () => {
      started = true;
      await hold.opened;
    });
    await queue.enqueue("slow");
    await waitFor(() => started);
    let resolved = false;
    const stopping = listener.stop().then(() => {
      resolved = true;
    });
    await sleep(100);
    expect(resolved).toBe(false);
    hold.open();
    await stopping;
    expect(rows(db)).toEqual([]);
  });

  it("stops listening instead of rejecting when its connection is closed", async () => {
    const listener = listen(queueOn(), () => {});
    await sleep(20);
    db.$client.close();
    await expect(listener.done).resolves.toBeUndefined();
  });

  it("reclaims rows of a dead process on start, never those of a live listener", async () => {
    const queue = queueOn();
    await queue.enqueue("orphan");
    await queue.enqueue("held");
    db.$client.prepare("UPDATE fedify_queue SET claimed_by = 'dead:1', claimed_at = 1").run();

    const hold = gate();
    const received: unknown[] = [];
    listen(queue, async (message) => {
      received.push(message);
      if (message === "held") await hold.opened;
    });
    await waitFor(() => received.length === 2);
    expect(new Set(received)).toEqual(new Set(["orphan", "held"]));
    const heldClaim = rows(db)[0]!.claimed_by;
    expect(heldClaim).not.toBe("dead:1");

    // A second listener in this process must leave the first one's claim alone.
    listen(queueOn(), (message) => {
      received.push(message);
    });
    await sleep(150);
    expect(rows(db)).toEqual([
      expect.objectContaining({ message: '"held"', claimed_by: heldClaim }),
    ]);
    expect(received).toHaveLength(2);
    hold.open();
  });

  it("frees a message left waiting with nothing ahead of it when listening starts", async () => {
    const queue = queueOn();
    await queue.enqueue("stranded", { orderingKey: "k" });
    db.$client.prepare("UPDATE fedify_queue SET claimed_by = '(waiting)'").run();
    const received: unknown[] = [];
    listen(queue, (message) => {
      received.push(message);
    });
    await waitFor(() => received.length === 1);
    expect(received).toEqual(["stranded"]);
  });

  it("keeps channels apart: a listener takes only its own channel's messages", async () => {
    const inbox = queueOn({ channel: "inbox" });
    const outbox = queueOn({ channel: "outbox" });
    const got: { channel: string; message: unknown }[] = [];
    listen(outbox, (message) => {
      got.push({ channel: "outbox", message });
    });
    await inbox.enqueue("incoming");
    await outbox.enqueue("delivery");
    await waitFor(() => got.length === 1 && rows(db).length === 1);
    // The inbox message stays queued, unclaimed, for a listener of its own channel.
    expect(rows(db)).toEqual([
      expect.objectContaining({ message: '"incoming"', claimed_by: null }),
    ]);
    expect(await inbox.getDepth()).toEqual({ queued: 1, ready: 1, delayed: 0 });
    expect(await outbox.getDepth()).toEqual({ queued: 0, ready: 0, delayed: 0 });
    listen(inbox, (message) => {
      got.push({ channel: "inbox", message });
    });
    await waitFor(() => got.length === 2);
    expect(got).toEqual([
      { channel: "outbox", message: "delivery" },
      { channel: "inbox", message: "incoming" },
    ]);
  });

  it("runs one channel's messages while every slot of the other is held", async () => {
    const outbox = queueOn({ channel: "outbox", concurrency: 2 });
    const inbox = queueOn({ channel: "inbox", concurrency: 1 });
    const hold = gate();
    let deliveriesStarted = 0;
    listen(outbox, async () => {
      deliveriesStarted++;
      await hold.opened;
    });
    const handled: unknown[] = [];
    listen(inbox, (message) => {
      handled.push(message);
    });
    // A backlog of deliveries to servers that do not answer fills every outbox slot...
    await outbox.enqueueMany(Array.from({ length: 50 }, (_, i) => `delivery ${i}`));
    await waitFor(() => deliveriesStarted === 2);
    // ...and incoming activities still run, behind none of it.
    await inbox.enqueueMany(["Follow", "Like"]);
    await waitFor(() => handled.length === 2);
    expect(handled).toEqual(["Follow", "Like"]);
    expect(deliveriesStarted).toBe(2);
    expect(await outbox.getDepth()).toEqual({ queued: 48, ready: 48, delayed: 0 });
    hold.open();
    await waitFor(() => rows(db).length === 0);
    expect(deliveriesStarted).toBe(50);
  });

  it("passes @fedify/testing's message queue checks", { timeout: 90_000 }, async () => {
    await testMessageQueue(
      () => queueOn({ pollIntervalMs: 100 }),
      ({ controller }) => controller.abort(),
      { testOrderingKey: true },
    );
    expect(rows(db)).toEqual([]);
  });
});
