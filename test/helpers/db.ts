import { type Db, openDatabase } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { closeAfterTest, freshPostgresUrl, TEST_DATABASE } from "./test-database.ts";

/**
 * Opens a fresh database with every migration applied: in memory on SQLite, or a schema of its
 * own on PostgreSQL when the suite runs there (test/helpers/test-database.ts).
 */
export function freshDb(): Db {
  if (TEST_DATABASE === "postgres") {
    // A copy of the run's migrated template (test/postgres-setup.ts).
    const db = openDatabase(freshPostgresUrl());
    closeAfterTest(() => db.$client.close());
    return db;
  }
  const db = openDatabase(":memory:");
  runMigrations(db);
  return db;
}
