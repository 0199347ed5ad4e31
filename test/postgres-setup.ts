import { clusterUrl, createRunDir, removeRunDir } from "./helpers/postgres-server.ts";
import { POSTGRES_URL_VARIABLE, TEST_DATABASE } from "./helpers/test-database.ts";

// Names a directory for this run's throwaway PostgreSQL cluster, which the first test file
// that needs it starts (test/helpers/postgres.ts), and stops the cluster when the run ends.
// Nothing is started here, so a run without PostgreSQL tests costs nothing, except when the
// whole suite runs on PostgreSQL (COPSE_TEST_DATABASE=postgres): then every test's database
// is there, and the cluster starts before the first file.

/** Makes the run directory; returns the teardown that stops the cluster and removes it. */
export default async function setup(): Promise<() => void> {
  if (process.env.COPSE_TEST_DATABASE_URL) {
    if (TEST_DATABASE === "postgres") {
      process.env[POSTGRES_URL_VARIABLE] = process.env.COPSE_TEST_DATABASE_URL;
    }
    return () => {};
  }
  const dir = createRunDir();
  if (TEST_DATABASE === "postgres") process.env[POSTGRES_URL_VARIABLE] = await clusterUrl(dir);
  return () => removeRunDir(dir);
}
