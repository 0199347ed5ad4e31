import { hostname } from "node:os";
import { processAlive } from "../server-lock.ts";

// Whose claim a row of the SQLite queue is, and whether its listener is gone. Several worker
// processes may listen on one database file (on one machine: SQLite's WAL needs shared memory),
// so a listener may only take back the claims of listeners known to have stopped: those of
// this process that no longer run, and those of processes of this machine that have died. A
// claim that names no process of this machine (a custom worker id, or a data directory moved
// from another machine) has no one left to finish it either, and is taken back too. Should a
// dead worker's process id be reused by another program before anyone looks, its claims wait
// until that program exits: late, never lost.

/** The default worker id: this machine and process, which lets others tell whether it lives. */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Whether a claim token (`<worker id>:<uuid>`) belongs to a listener that is gone. `liveTokens`
 * are the tokens of this process's running listeners.
 */
export function claimIsOrphaned(token: string, liveTokens: ReadonlySet<string>): boolean {
  const workerId = token.slice(0, token.lastIndexOf(":"));
  const match = /^(.*):(\d+)$/.exec(workerId);
  if (!match || match[1] !== hostname()) return true;
  const pid = Number(match[2]);
  if (pid === process.pid) return !liveTokens.has(token);
  return !processAlive(pid);
}
