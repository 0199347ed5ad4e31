import type { Db } from "./client.ts";

// Copse's code is written once, in SQLite's dialect, and runs on PostgreSQL through a
// translating client (src/db/postgres/). The few places where the two differ in more than
// spelling (full-text search, the change stamp, schema introspection) ask this.

/** Whether the database is PostgreSQL rather than SQLite. */
export function isPostgres(db: Db): boolean {
  return (db.$client as unknown as { dialect?: string }).dialect === "postgres";
}

/** Whether a table exists in the database (in the current schema, on PostgreSQL). */
export function tableExists(db: Db, name: string): boolean {
  const sql = isPostgres(db)
    ? "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
    : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
  return db.$client.prepare(sql).get(name) !== undefined;
}
