import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { projectPath } from "../../project-root.ts";
import { ensurePostgresSearchIndex } from "./search-index.ts";

// Copse's tables on PostgreSQL: the migrations drizzle-kit wrote into migrations/postgres from
// the generated schema (scripts/postgres-schema.ts), then what migrations cannot hold, the
// full-text tables and their triggers (search-index.ts). Everything goes into the connection's
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
  const connection = client instanceof pg.Pool ? await client.connect() : client;
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
