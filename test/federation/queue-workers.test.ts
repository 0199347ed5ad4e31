import "../helpers/temporal.ts";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { SqliteMessageQueue } from "../../src/federation/queue.ts";
import { claimIsOrphaned } from "../../src/federation/queue-claims.ts";
import { freshSqliteDb } from "../helpers/db.ts";
import { listen, rows, stopAll, waitFor } from "../helpers/queue-harness.ts";

// Several worker processes listen on one SQLite file: a listener takes back the claims of
// processes that died, at start and while it runs, and never those of a live process.

/** The process id of a process that has run and exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ["-e", ""]);
  return pid!;
}

const token = (pid: number, host = hostname()) => `${host}:${pid}:0b6a-uuid`;

describe("claims across worker processes", () => {
  it("counts a claim orphaned only when its process is gone or unknown", () => {
    const live = new Set([token(process.pid)]);
    expect(claimIsOrphaned(token(process.pid), live)).toBe(false);
    // A listener of this process that has stopped.
    expect(claimIsOrphaned(token(process.pid).replace("uuid", "other"), live)).toBe(true);
    // Another live process of this machine (the test runner's parent), and a dead one.
    expect(claimIsOrphaned(token(process.ppid), live)).toBe(false);
    expect(claimIsOrphaned(token(deadPid()), live)).toBe(true);
    // Names no process of this machine: nobody is left to finish it.
    expect(claimIsOrphaned(token(process.ppid, "elsewhere.example"), live)).toBe(true);
    expect(claimIsOrphaned("doomed-worker:0b6a-uuid", live)).toBe(true);
  });
});

describe("SqliteMessageQueue with several listening processes", () => {
  let db: Db;

  beforeEach(() => {
    // SQLite's own store and queue, in every run: PostgreSQL's are tested in postgres-*.test.ts.
    db = freshSqliteDb();
  });

  afterEach(async () => {
    await stopAll();
    db.$client.close();
  });

  it("leaves a live process's claim alone and takes back a dead one's while listening", async () => {
    const queue = new SqliteMessageQueue(db, { pollIntervalMs: 20, orphanCheckMs: 20 });
    await queue.enqueue("held by a live worker");
    const liveClaim = token(process.ppid);
    db.$client.prepare("UPDATE fedify_queue SET claimed_by = ?, claimed_at = 1").run(liveClaim);
    const received: unknown[] = [];
    listen(queue, (message) => {
      received.push(message);
    });

    // A worker dies holding a message after this listener started: it is taken back without
    // a restart, and runs here once.
    // Enqueued for later so that this listener cannot claim it first, then claimed by hand.
    await queue.enqueue("held by a worker that dies", {
      delay: Temporal.Duration.from({ hours: 1 }),
    });
    db.$client
      .prepare(
        "UPDATE fedify_queue SET claimed_by = ?, claimed_at = 1, available_at = 0 WHERE message = ?",
      )
      .run(token(deadPid()), '"held by a worker that dies"');
    await waitFor(() => received.length === 1);
    expect(received).toEqual(["held by a worker that dies"]);
    await waitFor(() => rows(db).length === 1);
    // Several checks later, the live worker's message is still its own.
    const checksLater = Date.now() + 200;
    await waitFor(() => Date.now() > checksLater);
    expect(rows(db)).toEqual([
      expect.objectContaining({ message: '"held by a live worker"', claimed_by: liveClaim }),
    ]);
    expect(received).toEqual(["held by a worker that dies"]);
  });
});
