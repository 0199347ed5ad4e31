import { createRequire } from "node:module";
import type pg from "pg";

// The PostgreSQL driver is loaded only when COPSE_QUEUE_URL asks for it: most instances run
// on SQLite alone, and importing `pg` at every start cost about 50 ms for nothing.

let driver: typeof pg | undefined;

/** The `pg` module, loaded on first use. */
export function loadPg(): typeof pg {
  driver ??= createRequire(import.meta.url)("pg") as typeof pg;
  return driver;
}
