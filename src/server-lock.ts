import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Role } from "./config-role.ts";

// Which server processes work a data directory. A restore or a move of domain under a running
// server would be overwritten or half-seen by it, so commands that replace the database refuse
// while any server process is alive. Each process writes a small file naming itself while it
// runs: `copse.pid` for a process doing everything (as before roles existed), and
// `copse.<role>.<host>.<pid>.pid` for a web or worker process.
//
// A process doing everything (`all`) has the directory to itself: starting `npm start` twice
// by mistake stays refused. Web and worker processes are meant to run several at once (the
// queue, the scheduled tasks' leases and the live stream work across processes), so any number
// of them may share the directory, but never beside an `all`.

/** The file a single-process server (role `all`) keeps in its data directory. */
export const LOCK_FILE_NAME = "copse.pid";

/** Who holds a data directory. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Missing in files written before roles, which were all `all`. */
  role?: Role;
}

/** Another live server already works this data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    readonly file = LOCK_FILE_NAME,
  ) {
    super(
      `A Copse server (process ${holder.pid} on ${holder.host}${roleNote(holder.role)}) is using ${dataDir}. Stop it first. ` +
        `If no server is running, the file ${join(dataDir, file)} was left by a crash on another machine: delete it.` +
        (holder.role === "all" || holder.role === undefined
          ? ""
          : " Several web and worker processes may share a data directory, but not with a process started without --role (which does everything)."),
    );
    this.name = "DataDirInUseError";
  }
}

function roleNote(role: Role | undefined): string {
  return role && role !== "all" ? `, role ${role}` : "";
}

/** The name of the file a process in `role` keeps while it runs. */
function lockFileName(role: Role, host: string, pid: number): string {
  return role === "all" ? LOCK_FILE_NAME : `copse.${role}.${host}.${pid}.pid`;
}

/** Whether a file in the data directory is a server's lock file. */
function isLockFile(name: string): boolean {
  return name === LOCK_FILE_NAME || /^copse\.(web|worker)\..+\.\d+\.pid$/.test(name);
}

/** Whether the process a lock file names is alive. */
function alive(holder: LockHolder): boolean {
  // A process on another machine (a shared disk) cannot be checked, so it counts as alive.
  return holder.host !== hostname() || processAlive(holder.pid);
}

/** Whether a process of this machine is alive (a reused process id counts, as it must). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Every live server process holding the data directory, other than this process, with its file. */
export function serversHolding(dataDir: string): { holder: LockHolder; file: string }[] {
  let names: string[];
  try {
    names = readdirSync(dataDir).filter(isLockFile);
  } catch {
    return [];
  }
  const found: { holder: LockHolder; file: string }[] = [];
  for (const file of names) {
    let holder: LockHolder;
    try {
      holder = JSON.parse(readFileSync(join(dataDir, file), "utf8")) as LockHolder;
    } catch {
      continue;
    }
    if (!Number.isInteger(holder.pid) || typeof holder.host !== "string") continue;
    if (holder.host === hostname() && holder.pid === process.pid) continue;
    if (alive(holder)) found.push({ holder, file });
    // A web or worker process killed without its shutdown leaves its file; it is removed here
    // so the directory does not fill with them. (`copse.pid` is simply overwritten.)
    else if (file !== LOCK_FILE_NAME) rmSync(join(dataDir, file), { force: true });
  }
  return found;
}

/** The live server holding the data directory, other than this process; undefined if none. */
export function serverHolding(dataDir: string): LockHolder | undefined {
  return serversHolding(dataDir)[0]?.holder;
}

/**
 * Marks the data directory as worked by this process in `role` (`all` by default); returns the
 * function that unmarks it. Refuses (DataDirInUseError) an `all` beside any other server
 * process, and a web or worker process beside an `all`.
 */
export function lockDataDir(dataDir: string, role: Role = "all"): () => void {
  const others = serversHolding(dataDir);
  const conflict = others.find(({ holder }) => role === "all" || (holder.role ?? "all") === "all");
  if (conflict) throw new DataDirInUseError(dataDir, conflict.holder, conflict.file);
  const path = join(dataDir, lockFileName(role, hostname(), process.pid));
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), role } satisfies LockHolder);
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
