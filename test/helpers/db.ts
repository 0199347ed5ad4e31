import { type Db, openDatabase, openDatabaseImage } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { migratedSqliteImage } from "./sqlite-template.ts";
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
  return freshSqliteDb();
}

/**
 * Opens a fresh in-memory SQLite database with every migration applied, whichever database the
 * run is on: for the tests of SQLite's own queue and key-value store, which a PostgreSQL
 * instance replaces with the queue backend's (src/federation/postgres, tested on its own).
 */
export function freshSqliteDb(): Db {
  const db = openDatabaseImage(migratedSqliteImage());
  // Finds every migration applied (a few milliseconds), and registers the SQL functions the
  // search index's triggers call, which each connection needs, as start-up does.
  runMigrations(db);
  return db;
}
