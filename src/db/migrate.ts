import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { projectPath } from "../project-root.ts";
import { ensureChangeCounter } from "./change-counter.ts";
import type { Db } from "./client.ts";
import { isPostgres } from "./dialect.ts";
import { ensureItemGroupKeys } from "./item-group-keys.ts";
import type { PostgresDatabase } from "./postgres/sync-client.ts";
import { ensureSearchIndex } from "./search-index.ts";
import { ensureTagCounts } from "./tag-counts.ts";

const migrationsFolder = projectPath("migrations");

/** Applies every pending migration from `migrations/`; safe to run at each start. */
export function runMigrations(db: Db): void {
  if (isPostgres(db)) {
    // PostgreSQL has migrations of its own, made from the same schema (migrations/postgres),
    // and its full-text objects and the triggers keeping item_groups' copies and the tag counts are made
    // with them.
    (db.$client as unknown as PostgresDatabase).migrate();
    return;
  }
  migrate(db, { migrationsFolder });
  ensureSearchIndex(db);
  ensureItemGroupKeys(db);
  // After the copies: the tag counts read them.
  ensureTagCounts(db);
  // Last, so that the tables and triggers made above are counted too.
  ensureChangeCounter(db);
}
