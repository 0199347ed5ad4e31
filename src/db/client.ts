import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { projectPath } from "../project-root.ts";
import { PostgresDatabase } from "./postgres/sync-client.ts";
import * as schema from "./schema/index.ts";
import { reuseStatements } from "./statement-cache.ts";

/** The Drizzle database handle every layer below the web takes as a parameter. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Makes every transaction take the write lock when it begins (BEGIN IMMEDIATE), however it is
 * started (better-sqlite3's `transaction()`, or Drizzle's, which asks for "deferred"). A
 * deferred transaction that reads and then writes cannot wait for another process's write to
 * finish: SQLite answers SQLITE_BUSY at once, since its snapshot is already stale. With web
 * and worker processes on one database file (`--role`), that failed a start under load
 * (`createSetupToken` reads, then writes). Taken at the start, the lock waits its turn
 * (busy_timeout) like any write; one process alone sees no difference.
 */
function writeTransactionsFromTheStart(sqlite: Database.Database): void {
  const transaction = sqlite.transaction.bind(sqlite);
  sqlite.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const made = transaction(fn);
    const immediate = made.immediate;
    return Object.assign((...args: unknown[]) => immediate(...args), {
      default: immediate,
      deferred: immediate,
      immediate,
      exclusive: made.exclusive,
    });
  }) as typeof sqlite.transaction;
}

/** Whether a database location is a PostgreSQL URL rather than a SQLite file path. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens the database at a location: a PostgreSQL URL (postgres://...), or a SQLite database
 * file (created if needed) or `:memory:`, tuned for a web server.
 */
export function openDatabase(path: string): Db {
  if (isPostgresLocation(path)) {
    // The same Drizzle driver and SQLite-dialect code run on PostgreSQL through a client
    // that speaks better-sqlite3's interface (src/db/postgres/sync-client.ts).
    const client = new PostgresDatabase(path, projectPath("migrations/postgres"));
    return drizzle(client as unknown as Database.Database, { schema }) as Db;
  }
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  return tuned(new Database(path));
}

/**
 * Opens an in-memory database from the bytes of a serialized one (better-sqlite3's
 * `serialize()`), tuned as openDatabase tunes a file: the tests copy one migrated database
 * this way instead of migrating each of their hundreds of databases afresh.
 */
export function openDatabaseImage(image: Buffer): Db {
  return tuned(new Database(image));
}

/** Sets a SQLite connection up for a web server and wraps it in Drizzle. */
function tuned(sqlite: Database.Database): Db {
  // WAL lets readers proceed while the queue writes; NORMAL sync is durable across process
  // crashes (only an OS crash can lose the last transactions), which is what the queue needs.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // SQLite's default page cache is 2 MB; past that every page read is a system call into the
  // operating system's cache. 16 MB keeps the indexes a busy page walks (a community's topics,
  // tags, memberships) in memory, which halved those queries at 100,000 items.
  sqlite.pragma("cache_size = -16384");
  // Drizzle prepares every query afresh, and better-sqlite3 frees statements only on close.
  reuseStatements(sqlite);
  writeTransactionsFromTheStart(sqlite);
  return drizzle(sqlite, { schema }) as Db;
}
