import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { scheduledTasks } from "../../src/db/schema/index.ts";
import { type JobContext, JobRunner, type Task } from "../../src/jobs/runner.ts";
import { freshDb } from "../helpers/db.ts";

// The task runner keeps its schedule in the database, so these tests check what a restart
// (a new runner over the same database) sees, and how failures are spaced out.

function context(): JobContext {
  const db = freshDb();
  return {
    db,
    config: loadConfig({}),
    federation: () => {
      throw new Error("not needed here");
    },
  };
}

function countingTask(name: string, everyMs: number, runs: string[]): Task {
  return {
    name,
    next: (now) => now + everyMs,
    run: async () => {
      runs.push(name);
    },
  };
}

describe("JobRunner", () => {
  it("runs a due task once and then waits for its next time", async () => {
    const ctx = context();
    const runs: string[] = [];
    const runner = new JobRunner(ctx, [countingTask("tick", 60_000, runs)]);
    await runner.runDue();
    await runner.runDue();
    expect(runs).toEqual(["tick"]);
    const row = ctx.db.select().from(scheduledTasks).where(eq(scheduledTasks.name, "tick")).get();
    expect(row?.nextRunAt).toBeGreaterThan(Date.now() + 50_000);
    expect(row?.lastRunAt).not.toBeNull();
  });

  it("keeps the schedule across a restart instead of running again at once", async () => {
    const ctx = context();
    const runs: string[] = [];
    await new JobRunner(ctx, [countingTask("digest", 3_600_000, runs)]).runDue();
    // A new process over the same database: the task is not due yet.
    await new JobRunner(ctx, [countingTask("digest", 3_600_000, runs)]).runDue();
    expect(runs).toEqual(["digest"]);
  });

  it("schedules a never-run task by its first() time", async () => {
    const ctx = context();
    const runs: string[] = [];
    const later: Task = { ...countingTask("later", 1000, runs), first: (now) => now + 60_000 };
    const runner = new JobRunner(ctx, [later]);
    await runner.runDue();
    expect(runs).toEqual([]);
    runner.wake("later");
    await runner.runDue();
    expect(runs).toEqual(["later"]);
  });

  it("backs off after failures and resets once a run succeeds", async () => {
    const ctx = context();
    let fail = true;
    const flaky: Task = {
      name: "flaky",
      next: (now) => now + 1000,
      run: async () => {
        if (fail) throw new Error("SMTP is down");
      },
    };
    const runner = new JobRunner(ctx, [flaky], { retryBaseMs: 1000 });
    const row = () =>
      ctx.db.select().from(scheduledTasks).where(eq(scheduledTasks.name, "flaky")).get()!;
    await runner.runDue();
    expect(row().failures).toBe(1);
    expect(row().lastError).toContain("SMTP is down");
    const firstWait = row().nextRunAt - Date.now();
    await expect(runner.runNow("flaky")).rejects.toThrow("SMTP is down");
    expect(row().failures).toBe(2);
    expect(row().nextRunAt - Date.now()).toBeGreaterThan(firstWait);
    fail = false;
    await runner.runNow("flaky");
    expect(row().failures).toBe(0);
    expect(row().lastError).toBeNull();
  });

  it("never runs the same task twice at once", async () => {
    const ctx = context();
    let active = 0;
    let most = 0;
    const slow: Task = {
      name: "slow",
      next: (now) => now,
      run: async () => {
        active++;
        most = Math.max(most, active);
        await new Promise((r) => setTimeout(r, 30));
        active--;
      },
    };
    const runner = new JobRunner(ctx, [slow]);
    await Promise.all([runner.runDue(), runner.runDue(), runner.runNow("slow")]);
    expect(most).toBe(1);
  });

  it("refuses to run a task it does not know", async () => {
    const runner = new JobRunner(context(), []);
    await expect(runner.runNow("nope")).rejects.toThrow("No task named nope");
  });
});
