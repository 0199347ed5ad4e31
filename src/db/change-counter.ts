import type { Db } from "./client.ts";

// Caches across requests (kept pages for visitors, tag clouds, member lists, counts) are kept
// while the database is unchanged. "Unchanged" used to mean no write at all (SQLite's
// total_changes() and data_version), but most writes on a federating instance change nothing a
// page shows: every delivery claims and deletes a queue row, Fedify remembers each server's
// signature format and circuit-breaker state in its key-value table, each incoming activity is
// recorded as seen, the job runner renews its leases. During a fan-out to a thousand servers
// that was hundreds of writes a second, and every cache started afresh on each request.
//
// So SQLite counts changes to what pages are made of: a one-row table whose counter triggers on
// every other table raise on each insert, update and delete, except on the bookkeeping tables
// below. New tables get their triggers at the next start (ensureChangeCounter), so a table
// added later is counted unless it is named here on purpose. The counter commits with the
// change it counts, so a reader never sees the new count with the old rows, in this process or
// any other sharing the file. The count can go back only with the file (a restore, which is
// made with every process stopped, so no value kept from before it survives).

/** Tables whose writes change nothing a cached value or a kept page is made of. */
export const BOOKKEEPING_TABLES: ReadonlySet<string> = new Set([
  // Fedify's durable queue (every delivery and every incoming activity) and its key-value
  // store (signature formats, circuit breakers, idempotency records, cached documents).
  "fedify_queue",
  "fedify_kv",
  // Ids of incoming activities already handled (replay protection).
  "inbox_seen",
  // The job runner's leases and schedule, renewed every few seconds by each worker.
  "leases",
  "scheduled_tasks",
  // Mail waiting to be sent, and the alert planner's own progress (what it has planned is
  // read only by the mail jobs, never by a page).
  "mail_outbox",
  "alert_entries",
  "alert_news",
  "alert_digest_cursors",
  // Failed sign-ins counted for throttling, and the image proxy's cache of remote pictures.
  "login_attempts",
  "image_proxy_cache",
]);

/** The table holding the counter (one row). */
const COUNTER_TABLE = "copse_changes";
const TRIGGER_PREFIX = "copse_changes_";
const EVENTS = { ins: "INSERT", upd: "UPDATE", del: "DELETE" } as const;

/** The SQL that reads the counter (prepared once per connection by callers). */
export const READ_CHANGE_COUNT = `SELECT n FROM ${COUNTER_TABLE} WHERE id = 1`;

/**
 * Creates the counter and its triggers on every counted table that lacks them (tables made
 * since the last start), and drops triggers on tables now named bookkeeping. Idempotent.
 */
export function ensureChangeCounter(db: Db): void {
  const sqlite = db.$client;
  const tables = sqlite
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table'
        AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_\\_%' ESCAPE '\\'`,
    )
    .pluck()
    .all() as string[];
  // The shadow tables of full-text indexes (items_fts_data...) are written through their
  // virtual table, whose own writes come from triggers on counted tables.
  const virtual = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")
    .pluck()
    .all() as string[];
  const shadowOf = (name: string) => virtual.some((v) => name === v || name.startsWith(`${v}_`));
  const counted = tables.filter(
    (name) => name !== COUNTER_TABLE && !BOOKKEEPING_TABLES.has(name) && !shadowOf(name),
  );
  const existing = new Set(
    sqlite
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '${TRIGGER_PREFIX}%'`,
      )
      .pluck()
      .all() as string[],
  );
  const wanted = new Map<string, string>();
  for (const table of counted) {
    for (const [suffix, event] of Object.entries(EVENTS)) {
      wanted.set(
        `${TRIGGER_PREFIX}${table}_${suffix}`,
        `CREATE TRIGGER "${TRIGGER_PREFIX}${table}_${suffix}" AFTER ${event} ON "${table}"
          BEGIN UPDATE ${COUNTER_TABLE} SET n = n + 1 WHERE id = 1; END`,
      );
    }
  }
  const missing = [...wanted].filter(([name]) => !existing.has(name));
  const stale = [...existing].filter((name) => !wanted.has(name));
  if (missing.length === 0 && stale.length === 0 && tables.includes(COUNTER_TABLE)) return;
  sqlite.transaction(() => {
    sqlite.exec(
      `CREATE TABLE IF NOT EXISTS ${COUNTER_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)`,
    );
    sqlite.exec(`INSERT OR IGNORE INTO ${COUNTER_TABLE} (id, n) VALUES (1, 0)`);
    for (const name of stale) sqlite.exec(`DROP TRIGGER IF EXISTS "${name}"`);
    for (const [, sql] of missing) sqlite.exec(sql);
  })();
}
