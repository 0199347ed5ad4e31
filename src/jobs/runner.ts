import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { eq } from "drizzle-orm";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { scheduledTasks } from "../db/schema/index.ts";
import {
  expireLease,
  leaseHolder,
  leaseLapsed,
  releaseLease,
  takeLease,
} from "../domain/leases.ts";
import { wakeTask } from "../domain/scheduled-tasks.ts";
import type { CopseContext } from "../federation/context.ts";
import { logger } from "../logging.ts";
import { processAlive } from "../server-lock.ts";

const log = logger("jobs");

/** What a background task may use. */
export interface JobContext {
  db: Db;
  config: Config;
  /** A federation context for sending activities as this instance. */
  federation(): CopseContext;
  /**
   * Set on a run that follows one which stopped part-way (its worker died holding the task's
   * lease), so the task can take back what that run had claimed.
   */
  interrupted?: boolean;
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
  /**
   * How long a run's lease lasts unless renewed; 60 s by default. A running task renews it every
   * third of that; a worker that dies mid-run stops renewing, and another may rerun the task
   * once it lapses.
   */
  leaseMs?: number;
}

const MAX_RETRY_MS = 60 * 60 * 1000;

/**
 * Runs recurring tasks on their schedule. The schedule lives in the `scheduled_tasks` table, so
 * a restart picks up where the last process stopped; a task that fails is retried with backoff.
 * Several worker processes may each run a JobRunner on one database: a run takes the task's
 * lease first (src/domain/leases.ts), so each run happens in one process only.
 */
export class JobRunner {
  readonly #ctx: JobContext;
  readonly #tasks: Map<string, Task>;
  readonly #tickMs: number;
  readonly #retryBaseMs: number;
  readonly #leaseMs: number;
  /** Names this runner in the leases it holds. */
  readonly #holder = `${hostname()}:${process.pid}:${randomUUID()}`;
  readonly #running = new Map<string, Promise<void>>();

  /** Registers the tasks and makes sure each has a schedule row. */
  constructor(ctx: JobContext, tasks: Task[], options: JobRunnerOptions = {}) {
    this.#ctx = ctx;
    this.#tasks = new Map(tasks.map((t) => [t.name, t]));
    this.#tickMs = options.tickMs ?? 1000;
    this.#retryBaseMs = options.retryBaseMs ?? 10_000;
    this.#leaseMs = options.leaseMs ?? 60_000;
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
    const runs: Promise<boolean>[] = [];
    for (const row of due) {
      const task = this.#tasks.get(row.name);
      if (!task || row.nextRunAt > now || this.#running.has(task.name)) continue;
      runs.push(this.#run(task, now));
    }
    await Promise.allSettled(runs);
  }

  /**
   * Runs one task now (after any run in progress here), whatever its schedule; for tests and
   * admins. Throws if another process is running it.
   */
  async runNow(name: string): Promise<void> {
    const task = this.#tasks.get(name);
    if (!task) throw new Error(`No task named ${name}`);
    // A tick may start a run while this waits for the one before; wait for that one too, as
    // this runner's own lease would not keep the two apart.
    while (this.#running.has(name)) await this.#running.get(name)?.catch(() => undefined);
    if (!(await this.#run(task))) throw new Error(`Task ${name} is running in another process`);
  }

  /** Brings a task's next run forward to now, e.g. when new work has just arrived. */
  wake(name: string): void {
    wakeTask(this.#ctx.db, name);
  }

  /**
   * Runs a task under its lease. With `dueAt`, only if the task is still due then once the
   * lease is held: another worker may have run it between this runner's look at the schedule
   * and its taking the lease. Resolves to whether it ran (a failed run counts).
   */
  #run(task: Task, dueAt?: number): Promise<boolean> {
    const lease = `task:${task.name}`;
    const { db } = this.#ctx;
    // A holder on this machine that has died need not be waited for (a restart after a crash).
    const holder = leaseHolder(db, lease);
    if (holder !== undefined && holderDied(holder)) expireLease(db, lease, holder);
    const interrupted = leaseLapsed(db, lease, this.#holder);
    if (!takeLease(db, lease, this.#holder, this.#leaseMs)) return Promise.resolve(false);
    const row = db.select().from(scheduledTasks).where(eq(scheduledTasks.name, task.name)).get();
    if (dueAt !== undefined && row !== undefined && row.nextRunAt > dueAt) {
      releaseLease(db, lease, this.#holder);
      return Promise.resolve(false);
    }
    const renewal = setInterval(() => {
      try {
        if (!takeLease(db, lease, this.#holder, this.#leaseMs)) {
          log.warning("Task {task} lost its lease (this process was stalled); it may run twice", {
            task: task.name,
          });
        }
      } catch (error) {
        log.warning("Could not renew the lease of task {task}: {error}", {
          task: task.name,
          error,
        });
      }
    }, this.#leaseMs / 3);
    renewal.unref();
    const run = this.#runHeld(task, interrupted).finally(() => {
      clearInterval(renewal);
      this.#running.delete(task.name);
      // The schedule is written before the lease is given up, so the next holder sees it.
      try {
        releaseLease(db, lease, this.#holder);
      } catch {
        // The database is closing: the lease lapses by itself.
      }
    });
    this.#running.set(task.name, run);
    return run.then(() => true);
  }

  /** Runs a task whose lease is held, then records when it runs next. */
  async #runHeld(task: Task, interrupted: boolean): Promise<void> {
    try {
      await task.run(interrupted ? { ...this.#ctx, interrupted } : this.#ctx);
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
    }
  }
}

/**
 * Whether a lease holder (`<host>:<pid>:<uuid>`, as runners name themselves) is a process of
 * this machine that has died. Holders elsewhere, and runners of this process, are waited for.
 */
function holderDied(holder: string): boolean {
  const match = /^(.*):(\d+):[^:]+$/.exec(holder);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  return pid !== process.pid && !processAlive(pid);
}
