import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { Db } from "./client.ts";
import { ensureSearchIndex } from "./search-index.ts";

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "migrations");

/** Applies every pending migration from `migrations/`; safe to run at each start. */
export function runMigrations(db: Db): void {
  migrate(db, { migrationsFolder });
  ensureSearchIndex(db);
}
