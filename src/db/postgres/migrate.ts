import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type pg from "pg";
import { projectPath } from "../../project-root.ts";
import { ensurePostgresChangeCounter } from "./change-counter.ts";
import { markDerivedObjectsSql } from "./derived-objects.ts";
import { ensurePostgresItemGroupKeys } from "./item-group-keys.ts";
import { ensurePostgresSearchIndex, quoteIdent } from "./search-index.ts";
import { ensurePostgresTagCounts } from "./tag-counts.ts";

// Copse's tables on PostgreSQL: the migrations drizzle-kit wrote into migrations/postgres from
// the generated schema (scripts/postgres-schema.ts), then what migrations cannot hold, the
// full-text tables and their triggers (search-index.ts), the triggers keeping item_groups'
// copies (item-group-keys.ts) and the tag counts (tag-counts.ts). Everything goes into the connection's
// current schema (the first of its search_path), drizzle's bookkeeping table included, so that
// several instances, or the tests' one schema per file, can share a database.

/** Where the PostgreSQL migrations are. */
export const POSTGRES_MIGRATIONS = projectPath("migrations/postgres");

/**
 * The advisory lock that serialises migrations of one schema across processes starting at once
 * (instances on other schemas of the database do not wait for each other).
 */
const LOCK_KEY = "hashtextextended('copse-migrate:' || current_schema(), 0)";

/** Options for migratePostgres. */
export interface MigratePostgresOptions {
  /** Another folder of drizzle-kit PostgreSQL migrations (tests). */
  migrationsFolder?: string;
}

/**
 * Applies every pending PostgreSQL migration and creates the full-text objects, in the
 * connection's current schema; safe to run at each start, from several processes at once.
 */
export async function migratePostgres(
  client: pg.Client | pg.Pool,
  options: MigratePostgresOptions = {},
): Promise<void> {
  // A pool lends one connection for the whole run: the advisory lock belongs to a session.
  const connection = isPool(client) ? await client.connect() : client;
  try {
    await connection.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
    try {
      const schema = await currentSchema(connection);
      await migrate(drizzle({ client: connection }), {
        migrationsFolder: options.migrationsFolder ?? POSTGRES_MIGRATIONS,
        migrationsSchema: schema,
      });
      await connection.query("BEGIN");
      try {
        await ensurePostgresSearchIndex(connection, schema);
        await ensurePostgresItemGroupKeys(connection, schema);
        // After the copies: the tag counts read them.
        await ensurePostgresTagCounts(connection, schema);
        // Last, so that every table made above is counted.
        await ensurePostgresChangeCounter(connection, schema);
        // Then the mark that all of them are made, which later starts check for.
        await connection.query(markDerivedObjectsSql(quoteIdent(schema)));
        await connection.query("COMMIT");
      } catch (error) {
        await connection.query("ROLLBACK");
        throw error;
      }
    } finally {
      await connection.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
    }
  } finally {
    if (connection !== client) (connection as pg.PoolClient).release();
  }
}

/** Whether `client` is a pool (by shape, so that another copy of `pg` is recognised too). */
function isPool(client: pg.Client | pg.Pool): client is pg.Pool {
  return "idleCount" in client;
}

async function currentSchema(connection: pg.ClientBase): Promise<string> {
  const { rows } = await connection.query<{ schema: string | null }>(
    "SELECT current_schema() AS schema",
  );
  const schema = rows[0]?.schema;
  if (!schema) {
    throw new Error(
      "PostgreSQL has no current schema: the search_path names no schema that exists",
    );
  }
  return schema;
}

/**
 * Moves every identity column's sequence of the current schema past the largest id in its
 * table, after rows were inserted with explicit ids (a copy from SQLite): PostgreSQL, unlike
 * SQLite, does not number new rows after ids it was given.
 */
export async function advanceIdentities(client: pg.Client | pg.Pool): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND is_identity = 'YES'`,
  );
  for (const { table_name: table, column_name: column } of rows) {
    const t = quoteIdent(table);
    const c = quoteIdent(column);
    // setval(seq, max, true) makes max + 1 the next id; an empty table starts again at 1.
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${c}), 1), max(${c}) IS NOT NULL)
       FROM ${t}`,
      [t, column],
    );
  }
}
