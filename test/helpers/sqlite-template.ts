import { openDatabase } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";

// Migrating an empty SQLite database takes 80-250 ms on this machine, and the suite makes
// hundreds (every freshDb and every test instance). Each worker migrates one database once and
// hands out copies of its bytes instead. The migrations themselves stay tested where they are
// the point: test/db/migrate.test.ts, first-run and the process-level tests, which start real
// servers on empty data directories.

let image: Buffer | undefined;

/** The bytes of an empty SQLite database with every migration applied, made once per worker. */
export function migratedSqliteImage(): Buffer {
  if (!image) {
    const db = openDatabase(":memory:");
    runMigrations(db);
    image = db.$client.serialize();
    db.$client.close();
  }
  return image;
}
