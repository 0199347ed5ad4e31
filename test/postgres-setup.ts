import pg from "pg";
import { migratePostgres } from "../src/db/postgres/migrate.ts";
import { clusterUrl, createRunDir, removeRunDir } from "./helpers/postgres-server.ts";
import {
  POSTGRES_URL_VARIABLE,
  TEMPLATE_DATABASE,
  TEST_DATABASE,
} from "./helpers/test-database.ts";

// Names a directory for this run's throwaway PostgreSQL cluster, which the first test file
// that needs it starts (test/helpers/postgres.ts), and stops the cluster when the run ends.
// Nothing is started here, so a run without PostgreSQL tests costs nothing, except when the
// whole suite runs on PostgreSQL (COPSE_TEST_DATABASE=postgres): then every test's database
// is there, and the cluster starts before the first file.

/** Makes the run directory; returns the teardown that stops the cluster and removes it. */
export default async function setup(): Promise<() => void> {
  const external = process.env.COPSE_TEST_DATABASE_URL;
  const dir = external ? undefined : createRunDir();
  if (TEST_DATABASE === "postgres") {
    const url = external ?? (await clusterUrl(dir as string));
    process.env[POSTGRES_URL_VARIABLE] = url;
    await makeTemplate(url);
  }
  return () => {
    if (dir) removeRunDir(dir);
  };
}

/** Makes (again) the migrated database that each test's database is copied from. */
async function makeTemplate(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${TEMPLATE_DATABASE}`;
  const client = new pg.Client({ connectionString: target.href });
  await client.connect();
  try {
    await migratePostgres(client);
  } finally {
    await client.end();
  }
}
