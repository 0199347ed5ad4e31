import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import type { Db } from "../../src/db/client.ts";
import { leaseHolder, takeLease } from "../../src/domain/leases.ts";
import { type JobContext, JobRunner, type Task } from "../../src/jobs/runner.ts";
import { freshDb } from "../helpers/db.ts";
import { gate, waitFor } from "../helpers/queue-harness.ts";

// Several worker processes each run a JobRunner on one database; a task's lease makes each of
// its runs happen in one of them. Two runners over one database stand in for two processes
// (each has a holder id of its own, as a process would).

function contextOn(db: Db): JobContext {
  return {
    db,
    config: loadConfig({}),
    federation: () => {
      throw new Error("not needed here");
    },
  };
}

/** A task that records its runs and waits for `opened` (if given) before finishing. */
function digestTask(runs: string[], opened?: Promise<void>): Task {
  return {
    name: "digest",
    next: (now) => now + 3_600_000,
    run: async () => {
      runs.push("digest");
      await opened;
    },
  };
}

/** When the lease `name` runs out, as stored. */
function expiryOf(db: Db, name: string): number {
  const row = db.$client.prepare("SELECT expires_at FROM leases WHERE name = ?").get(name) as
    | { expires_at: number }
    | undefined;
  return row?.expires_at ?? 0;
}

describe("JobRunner across processes", () => {
  it("runs a due task in one of two runners, and not again in the other once it is done", async () => {
    const db = freshDb();
    const runs: string[] = [];
    const hold = gate();
    const a = new JobRunner(contextOn(db), [digestTask(runs, hold.opened)]);
    const b = new JobRunner(contextOn(db), [digestTask(runs, hold.opened)]);
    const first = a.runDue();
    // While A runs it, B finds the task due but its lease taken.
    await b.runDue();
    expect(runs).toEqual(["digest"]);
    expect(leaseHolder(db, "task:digest")).toBeDefined();
    hold.open();
    await first;
    expect(leaseHolder(db, "task:digest")).toBeUndefined();
    // B looked at the schedule before A finished: it must not run the task a second time.
    await b.runDue();
    await a.runDue();
    expect(runs).toEqual(["digest"]);
  });

  it("keeps a long run's lease by renewing it, then takes over one whose holder died", async () => {
    const db = freshDb();
    const runs: string[] = [];
    const hold = gate();
    // A lease of 900 ms, renewed every 300 ms: B could slip in only if this process stalled
    // for 600 ms between A's last renewal and B's try, so a busy machine does not fail the test.
    const leaseMs = 900;
    const a = new JobRunner(contextOn(db), [digestTask(runs, hold.opened)], { leaseMs });
    const b = new JobRunner(contextOn(db), [digestTask(runs)], { leaseMs });
    const first = a.runDue();
    // More than a lease length passes while A works: only its renewals keep B out.
    const firstExpiry = expiryOf(db, "task:digest");
    await waitFor(() => expiryOf(db, "task:digest") > firstExpiry + leaseMs);
    await b.runDue();
    expect(runs).toEqual(["digest"]);
    hold.open();
    await first;

    // A process that died holding the lease: the task is due again but the lease is held...
    const c = new JobRunner(contextOn(db), [digestTask(runs)]);
    db.$client.prepare("UPDATE scheduled_tasks SET next_run_at = 0").run();
    expect(takeLease(db, "task:digest", "dead-worker", 60_000)).toBe(true);
    await c.runDue();
    expect(runs).toEqual(["digest"]);
    // ...until it lapses, when another runner takes over.
    db.$client
      .prepare("UPDATE leases SET expires_at = ? WHERE name = 'task:digest'")
      .run(Date.now());
    await c.runDue();
    expect(runs).toEqual(["digest", "digest"]);
  });

  it("tells a run whether the one before it stopped part-way", async () => {
    const db = freshDb();
    const seen: (boolean | undefined)[] = [];
    const task: Task = {
      name: "mail",
      next: (now) => now,
      run: async ({ interrupted }) => {
        seen.push(interrupted);
      },
    };
    const runner = new JobRunner(contextOn(db), [task]);
    await runner.runNow("mail");
    // A worker died holding the lease: it lapsed without being given up.
    takeLease(db, "task:mail", "dead-worker", 60_000, Date.now() - 120_000);
    await runner.runNow("mail");
    await runner.runNow("mail");
    expect(seen).toEqual([undefined, true, undefined]);
  });

  it("takes over at once from a runner of this machine whose process has died", async () => {
    const db = freshDb();
    const seen: (boolean | undefined)[] = [];
    const task: Task = {
      name: "mail",
      next: (now) => now,
      run: async ({ interrupted }) => {
        seen.push(interrupted);
      },
    };
    const { pid } = spawnSync(process.execPath, ["-e", ""]);
    takeLease(db, "task:mail", `${hostname()}:${pid}:0b6a`, 60_000);
    // A live runner of another process (the test runner's parent) is waited for, though.
    takeLease(db, "task:other", `${hostname()}:${process.ppid}:0b6a`, 60_000);
    const runner = new JobRunner(contextOn(db), [task, { ...task, name: "other" }]);
    await runner.runNow("mail");
    expect(seen).toEqual([true]);
    await expect(runner.runNow("other")).rejects.toThrow(/running in another process/);
  });

  it("refuses runNow while another process runs the task", async () => {
    const db = freshDb();
    const runner = new JobRunner(contextOn(db), [digestTask([])]);
    takeLease(db, "task:digest", "another-worker", 60_000);
    await expect(runner.runNow("digest")).rejects.toThrow(/running in another process/);
  });
});
