import type pg from "pg";

// The tables Fedify's queue and key-value store keep on PostgreSQL. They are created by the
// queue and the store themselves on first use (CREATE ... IF NOT EXISTS), rather than by
// Copse's migrations: Copse's own data stays in SQLite for now, so this database holds nothing
// else of Copse's, and several processes may start at once against an empty one.

/**
 * The `claimed_by` of a message queued behind an earlier one with the same ordering key, as in
 * the SQLite queue: only the oldest message of a key is ever claimable, the others wait under
 * this mark outside the ready index, and the next one is freed when the one before it is
 * deleted. A claim token always ends in ":" and a UUID, so it cannot equal this.
 */
export const WAITING = "(waiting)";

/**
 * Serialises schema creation across processes (CREATE TABLE IF NOT EXISTS can race). It must
 * not be the data connection's write lock (src/db/postgres/sync-client.ts), which is taken in
 * the same database when the queue follows the data there: a process whose pool held this lock
 * while its main thread waited for that one would wait on itself until the bridge gave up.
 */
export const SCHEMA_LOCK = 0x636f707371; // "copsq"

// `key` sorts by byte ("C" collation) so that a prefix listing is an exact range over the
// primary key whatever the database's collation (see PostgresKvStore.list). Messages are kept
// as the text JSON.stringify produced, not jsonb, which would reorder an activity's keys.
const DDL = `
CREATE TABLE IF NOT EXISTS fedify_queue (
  id bigserial PRIMARY KEY,
  channel text NOT NULL,
  message text NOT NULL,
  ordering_key text,
  available_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  claimed_by text,
  lease_until timestamptz
);
ALTER TABLE fedify_queue ADD COLUMN IF NOT EXISTS holder_pid integer;
CREATE INDEX IF NOT EXISTS fedify_queue_ready_idx
  ON fedify_queue (channel, available_at, id) WHERE claimed_by IS NULL;
CREATE INDEX IF NOT EXISTS fedify_queue_ordering_idx
  ON fedify_queue (ordering_key, id) WHERE ordering_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS fedify_queue_lease_idx
  ON fedify_queue (lease_until) WHERE lease_until IS NOT NULL;
CREATE TABLE IF NOT EXISTS fedify_kv (
  key text COLLATE "C" PRIMARY KEY,
  value text NOT NULL,
  expires_at timestamptz
);
CREATE INDEX IF NOT EXISTS fedify_kv_expires_idx
  ON fedify_kv (expires_at) WHERE expires_at IS NOT NULL;
`;

/** What the queue and store learn about their database once, when the tables are made. */
export interface PostgresSchema {
  /**
   * The NOTIFY channel for new work: named after the schema the tables are in, so queues on
   * other schemas of the same database (NOTIFY is database-wide) are not woken by it.
   */
  notifyChannel: string;
}

const ready = new WeakMap<pg.Pool, Promise<PostgresSchema>>();

/** Creates the tables if they are missing, once per pool, and reads the schema's name. */
export function ensurePostgresSchema(pool: pg.Pool): Promise<PostgresSchema> {
  let promise = ready.get(pool);
  if (promise === undefined) {
    promise = createSchema(pool);
    // A failure (the database down at start) is not cached: the next call tries again.
    promise.catch(() => ready.delete(pool));
    ready.set(pool, promise);
  }
  return promise;
}

async function createSchema(pool: pg.Pool): Promise<PostgresSchema> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
    await client.query(DDL);
    const { rows } = await client.query<{ schema: string }>("SELECT current_schema() AS schema");
    return { notifyChannel: `copse_queue:${rows[0]?.schema ?? "public"}`.slice(0, 63) };
  });
}

/** Runs `work` in a transaction on one connection of the pool, rolling back if it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
