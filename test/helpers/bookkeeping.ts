import type { Db } from "../../src/db/client.ts";
import { TEST_DATABASE } from "./test-database.ts";

/**
 * Writes what federation's bookkeeping writes all the time, which changes no page (the
 * BOOKKEEPING_TABLES of src/db/change-counter.ts): on SQLite a delivery's queue row enqueued
 * and deleted and a server's remembered signature format (on PostgreSQL the queue backend's
 * own connections write those); on both an incoming activity's id recorded against replays.
 */
export function writeBookkeeping(db: Db, n: number): void {
  const sqlite = db.$client;
  if (TEST_DATABASE === "sqlite") {
    const { lastInsertRowid } = sqlite
      .prepare(
        "INSERT INTO fedify_queue (channel, message, available_at, created_at) VALUES ('outbox', '{}', ?, 0)",
      )
      .run(Date.now() + 3_600_000);
    sqlite.prepare("DELETE FROM fedify_queue WHERE id = ?").run(lastInsertRowid);
    sqlite
      .prepare(`INSERT OR REPLACE INTO fedify_kv (key, value) VALUES (?, '"draft-cavage"')`)
      .run(`["bench-format","https://peer${n}.test"]`);
  }
  sqlite
    .prepare("INSERT INTO inbox_seen (activity_iri, received_at) VALUES (?, ?)")
    .run(`https://peer${n}.test/activities/${n}`, Date.now());
}
