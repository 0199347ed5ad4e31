import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { projectPath } from "../project-root.ts";
import type { Db } from "./client.ts";
import { ensureItemGroupKeys } from "./item-group-keys.ts";
import { ensureSearchIndex } from "./search-index.ts";

const migrationsFolder = projectPath("migrations");

/** Applies every pending migration from `migrations/`; safe to run at each start. */
export function runMigrations(db: Db): void {
  migrate(db, { migrationsFolder });
  ensureSearchIndex(db);
  ensureItemGroupKeys(db);
}
