import type pg from "pg";
import { BOOKKEEPING_TABLES } from "../change-counter.ts";
import { quoteIdent } from "./search-index.ts";

// PostgreSQL's counterpart of src/db/change-counter.ts: a count of committed changes to what
// pages are made of, untouched by the queue, the key-value store and the other bookkeeping
// (the write-ahead log's position, the stamp before, moved with every delivery).
//
// The count is raised once per transaction, at its commit: each counted table has a deferred
// constraint trigger, whose first firing in a transaction adds one to a row of
// `copse_changes`. The row is picked by the backend's process id among SHARDS, so that
// transactions of different connections rarely wait on the same row, and taken last, just
// before the commit, so holding it can never deadlock with the transaction's other locks. The
// stamp is the sum of the rows; it commits with the change it counts, so no reader sees the
// new sum with the old rows.

/** Rows the count is spread over (see above). */
const SHARDS = 16;

/** The name of each counted table's trigger. */
export const CHANGE_TRIGGER = "copse_changes";

/** Reads the count (the caller's current schema holds the table). */
export const READ_POSTGRES_CHANGE_COUNT = "SELECT sum(n) FROM copse_changes";

function functionSql(s: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${s}.copse_changes (id bigint PRIMARY KEY, n bigint NOT NULL);
INSERT INTO ${s}.copse_changes (id, n)
  SELECT g, 0 FROM generate_series(0, ${SHARDS - 1}) g ON CONFLICT (id) DO NOTHING;
CREATE OR REPLACE FUNCTION ${s}.copse_count_change() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  -- Once per transaction: the setting is local to it, and names the transaction it was set in.
  IF current_setting('copse.counted_in', true) IS DISTINCT FROM txid_current()::text THEN
    PERFORM set_config('copse.counted_in', txid_current()::text, true);
    UPDATE ${s}.copse_changes SET n = n + 1 WHERE id = pg_backend_pid() % ${SHARDS};
  END IF;
  RETURN NULL;
END
$fn$;`;
}

/**
 * Creates the count and a trigger on every counted table of `schema` that lacks one (tables
 * made by later migrations get theirs when those run). The caller holds the migration lock.
 */
export async function ensurePostgresChangeCounter(
  client: pg.ClientBase,
  schema: string,
): Promise<void> {
  const s = quoteIdent(schema);
  await client.query(functionSql(s));
  const { rows } = await client.query<{ name: string; counted: boolean }>(
    `SELECT c.relname AS name,
        EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = $2) AS counted
      FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
      WHERE ns.nspname = $1 AND c.relkind IN ('r', 'p')`,
    [schema, CHANGE_TRIGGER],
  );
  for (const { name, counted } of rows) {
    if (counted || !isCounted(name)) continue;
    await client.query(
      `CREATE CONSTRAINT TRIGGER ${CHANGE_TRIGGER} AFTER INSERT OR UPDATE OR DELETE
        ON ${s}.${quoteIdent(name)} DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION ${s}.copse_count_change()`,
    );
  }
}

/**
 * Whether writes to a table are counted: not the count itself, the migrator's table, the
 * bookkeeping, nor the full-text tables (written only by triggers on counted tables).
 */
function isCounted(table: string): boolean {
  return (
    table !== "copse_changes" &&
    !table.startsWith("__") &&
    !table.endsWith("_fts") &&
    !BOOKKEEPING_TABLES.has(table)
  );
}
