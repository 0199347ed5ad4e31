import { AsyncLocalStorage } from "node:async_hooks";
import type { Db } from "./client.ts";

// A page asks the same small questions many times over: a thread of fifty posts asks, for
// each post, which communities it is in (to decide who may edit it, vote on it, see it) and
// what the viewer's membership of each is. Each answer is one SQLite statement, and a page
// of fifty posts made some four hundred of them. While a page is read and rendered those
// answers do not change, so they are remembered for the length of the request: the web layer
// opens a window per page request (`withReadMemo`, which follows the request across awaits
// and never mixes two requests), and the look-ups that take part call `memoRead`. Outside a
// window (a form that writes, the inbox, jobs) every call reads the database, as before.

interface Window {
  db: Db;
  answers: Map<string, unknown>;
}

const windows = new AsyncLocalStorage<Window>();

/**
 * Runs `work` with reads remembered until it ends. Only for work that reads: a page request,
 * never a form handler (a remembered answer would not see the form's own writes).
 */
export function withReadMemo<T>(db: Db, work: () => T): T {
  if (windows.getStore()?.db === db) return work();
  return windows.run({ db, answers: new Map() }, work);
}

/** The answer to `key` from the open window on `db`, or `read()` (remembered if one is open). */
export function memoRead<T>(db: Db, key: string, read: () => T): T {
  const window = windows.getStore();
  if (window === undefined || window.db !== db) return read();
  if (window.answers.has(key)) return window.answers.get(key) as T;
  const value = read();
  window.answers.set(key, value);
  return value;
}

/**
 * Whether a window is open on `db`, for look-ups that can answer many keys in one query ahead
 * of being asked (see `rememberReads`).
 */
export function readMemoOpen(db: Db): boolean {
  return windows.getStore()?.db === db;
}

/** Remembers answers read ahead in one query, when a window is open on `db`. */
export function rememberReads(db: Db, answers: Iterable<[string, unknown]>): void {
  const window = windows.getStore();
  if (window === undefined || window.db !== db) return;
  for (const [key, value] of answers) window.answers.set(key, value);
}
