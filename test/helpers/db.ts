import { type Db, openDatabase } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";

/** Opens a fresh in-memory database with every migration applied. */
export function freshDb(): Db {
  const db = openDatabase(":memory:");
  runMigrations(db);
  return db;
}
