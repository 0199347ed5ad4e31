import { eq } from "drizzle-orm";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { scheduledTasks } from "../db/schema/index.ts";
import { wakeTask } from "../domain/scheduled-tasks.ts";
import type { CopseContext } from "../federation/context.ts";
import { logger } from "../logging.ts";

const log = logger("jobs");

/** What a background task may use. */
export interface JobContext {
  db: Db;
  config: Config;
  /** A federation context for sending activities as this instance. */
  federation(): CopseContext;
}

/** A recurring background task. Runs must be idempotent: a crash mid-run means a rerun. */
export interface Task {
  name: string;
  /** When the first run is due, for a task never run before; now by default. */
  first?(now: number): number;
  /** When the next run is due after a successful run that ended at `now`. */
  next(now: number): number;
  run(ctx: JobContext): Promise<void>;
}

/** Options for {@link JobRunner}. */
export interface JobRunnerOptions {
  /** How often the runner looks for due tasks; 1 s by default. */
  tickMs?: number;
  /** First wait after a failed run, doubled each time up to an hour; 10 s by default. */
  retryBaseMs?: number;
}

const MAX_RETRY_MS = 60 * 60 * 1000;

/**
 * Runs recurring tasks on their schedule. The schedule lives in the `scheduled_tasks` table, so
 * a restart picks up where the last process stopped; a task that fails is retried with backoff.
 */
export class JobRunner {
  readonly #ctx: JobContext;
  readonly #tasks: Map<string, Task>;
  readonly #tickMs: number;
  readonly #retryBaseMs: number;
  readonly #running = new Map<string, Promise<void>>();

  /** Registers the tasks and makes sure each has a schedule row. */
  constructor(ctx: JobContext, tasks: Task[], options: JobRunnerOptions = {}) {
    this.#ctx = ctx;
    this.#tasks = new Map(tasks.map((t) => [t.name, t]));
    this.#tickMs = options.tickMs ?? 1000;
    this.#retryBaseMs = options.retryBaseMs ?? 10_000;
    const now = Date.now();
    for (const task of tasks) {
      ctx.db
        .insert(scheduledTasks)
        .values({ name: task.name, nextRunAt: task.first?.(now) ?? now })
        .onConflictDoNothing()
        .run();
    }
  }

  /** Runs due tasks every tick until the signal aborts; resolves when in-flight runs end. */
  async start(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // Not awaited: a slow task (a long news refresh) must not hold up the others.
      void this.runDue();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#tickMs);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await Promise.allSettled(this.#running.values());
  }

  /** Starts every task that is due and not already running; resolves when they finish. */
  async runDue(now = Date.now()): Promise<void> {
    const due = this.#ctx.db.select().from(scheduledTasks).all();
    const runs: Promise<void>[] = [];
    for (const row of due) {
      const task = this.#tasks.get(row.name);
      if (!task || row.nextRunAt > now || this.#running.has(task.name)) continue;
      runs.push(this.#run(task));
    }
    await Promise.allSettled(runs);
  }

  /** Runs one task now (after any run in progress), whatever its schedule; for tests and admins. */
  async runNow(name: string): Promise<void> {
    const task = this.#tasks.get(name);
    if (!task) throw new Error(`No task named ${name}`);
    await this.#running.get(name)?.catch(() => undefined);
    await this.#run(task);
  }

  /** Brings a task's next run forward to now, e.g. when new work has just arrived. */
  wake(name: string): void {
    wakeTask(this.#ctx.db, name);
  }

  #run(task: Task): Promise<void> {
    const run = (async () => {
      try {
        await task.run(this.#ctx);
        const now = Date.now();
        this.#ctx.db
          .update(scheduledTasks)
          .set({ nextRunAt: task.next(now), lastRunAt: now, lastError: null, failures: 0 })
          .where(eq(scheduledTasks.name, task.name))
          .run();
      } catch (error) {
        const row = this.#ctx.db
          .select()
          .from(scheduledTasks)
          .where(eq(scheduledTasks.name, task.name))
          .get();
        const failures = (row?.failures ?? 0) + 1;
        const wait = Math.min(this.#retryBaseMs * 2 ** (failures - 1), MAX_RETRY_MS);
        log.warning("Task {task} failed (attempt {failures}); retrying in {wait} ms: {error}", {
          task: task.name,
          failures,
          wait,
          error,
        });
        this.#ctx.db
          .update(scheduledTasks)
          .set({ nextRunAt: Date.now() + wait, lastError: String(error), failures })
          .where(eq(scheduledTasks.name, task.name))
          .run();
        throw error;
      } finally {
        this.#running.delete(task.name);
      }
    })();
    this.#running.set(task.name, run);
    return run;
  }
}
