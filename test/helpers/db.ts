import { type Db, openDatabase } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { closeAfterTest, freshPostgresUrl, TEST_DATABASE } from "./test-database.ts";

/**
 * Opens a fresh database with every migration applied: in memory on SQLite, or a schema of its
 * own on PostgreSQL when the suite runs there (test/helpers/test-database.ts).
 */
export function freshDb(): Db {
  const db = openDatabase(TEST_DATABASE === "postgres" ? freshPostgresUrl() : ":memory:");
  runMigrations(db);
  if (TEST_DATABASE === "postgres") closeAfterTest(() => db.$client.close());
  return db;
}
