import { randomBytes } from "node:crypto";
import { onTestFinished } from "vitest";
import { PostgresDatabase } from "../../src/db/postgres/sync-client.ts";

// Which database the suite runs on: SQLite (the default), or PostgreSQL when
// COPSE_TEST_DATABASE=postgres (`npm run test:postgres`). On PostgreSQL each database a test
// asks for is a schema of its own on the run's cluster, which the global set-up starts
// (test/postgres-setup.ts) and names in COPSE_TEST_POSTGRES_URL.

/** The database the suite runs on. */
export const TEST_DATABASE: "sqlite" | "postgres" =
  process.env.COPSE_TEST_DATABASE === "postgres" ? "postgres" : "sqlite";

/** The environment variable naming the PostgreSQL server in a PostgreSQL run. */
export const POSTGRES_URL_VARIABLE = "COPSE_TEST_POSTGRES_URL";

let admin: PostgresDatabase | undefined;

/** The database every test database is copied from: migrated once per run. */
export const TEMPLATE_DATABASE = "copse_template";

/**
 * A URL for a new database on the run's PostgreSQL server, already migrated: a copy of the
 * template the global set-up migrated (copying takes a fraction of migrating afresh).
 */
export function freshPostgresUrl(): string {
  const base = process.env[POSTGRES_URL_VARIABLE];
  if (!base) throw new Error(`${POSTGRES_URL_VARIABLE} is not set: start the suite with npm run`);
  admin ??= new PostgresDatabase(base, "unused");
  const name = `copse_${randomBytes(6).toString("hex")}`;
  admin.exec(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.href;
}

/**
 * Closes a database when the test that opened it ends. A database opened outside a test (in a
 * beforeAll, say) is closed when its worker ends; on PostgreSQL it holds a connection till then.
 */
export function closeAfterTest(close: () => void): void {
  try {
    onTestFinished(close);
  } catch {
    // Not inside a test: left to the worker's end.
  }
}
