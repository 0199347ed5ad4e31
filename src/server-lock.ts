import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

// One server process works one data directory: the delivery queue assumes it, and a restore or
// a move of domain under a running server would be overwritten or half-seen by it. The server
// writes its process id to `copse.pid` in the data directory while it runs; commands that
// replace the database refuse while that process is alive.

/** The file a running server keeps in its data directory. */
export const LOCK_FILE_NAME = "copse.pid";

/** Who holds a data directory. */
export interface LockHolder {
  pid: number;
  host: string;
}

/** Another live server already works this data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `A Copse server (process ${holder.pid} on ${holder.host}) is using ${dataDir}. Stop it first. ` +
        `If no server is running, the file ${join(dataDir, LOCK_FILE_NAME)} was left by a crash on another machine: delete it.`,
    );
    this.name = "DataDirInUseError";
  }
}

/** The live server holding the data directory, other than this process; undefined if none. */
export function serverHolding(dataDir: string): LockHolder | undefined {
  let holder: LockHolder;
  try {
    holder = JSON.parse(readFileSync(join(dataDir, LOCK_FILE_NAME), "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(holder.pid) || typeof holder.host !== "string") return undefined;
  // A process on another machine (a shared disk) cannot be checked, so it counts as alive.
  if (holder.host !== hostname()) return holder;
  if (holder.pid === process.pid) return undefined;
  try {
    process.kill(holder.pid, 0);
    return holder;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM" ? holder : undefined;
  }
}

/** Marks the data directory as worked by this process; returns the function that unmarks it. */
export function lockDataDir(dataDir: string): () => void {
  const holder = serverHolding(dataDir);
  if (holder) throw new DataDirInUseError(dataDir, holder);
  const path = join(dataDir, LOCK_FILE_NAME);
  const mine = JSON.stringify({ pid: process.pid, host: hostname() } satisfies LockHolder);
  writeFileSync(path, mine);
  return () => {
    // Another in-process instance may have taken the directory over since (tests restart
    // instances in one process); only the file this call wrote is removed.
    try {
      if (readFileSync(path, "utf8") === mine) rmSync(path, { force: true });
    } catch {
      // Already gone: nothing to release.
    }
  };
}
