import { createRunDir, removeRunDir } from "./helpers/postgres-server.ts";

// Names a directory for this run's throwaway PostgreSQL cluster, which the first test file
// that needs it starts (test/helpers/postgres.ts), and stops the cluster when the run ends.
// Nothing is started here, so a run without PostgreSQL tests costs nothing.

/** Makes the run directory; returns the teardown that stops the cluster and removes it. */
export default function setup(): () => void {
  if (process.env.COPSE_TEST_DATABASE_URL) return () => {};
  const dir = createRunDir();
  return () => removeRunDir(dir);
}
