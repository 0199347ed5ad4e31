import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe } from "vitest";
import {
  asAdmin,
  clusterUnavailable,
  clusterUrl,
  createRunDir,
  RUN_DIR_VARIABLE,
  removeRunDir,
} from "./postgres-server.ts";

// PostgreSQL for the tests: the server named by COPSE_TEST_DATABASE_URL when it is set,
// otherwise a throwaway cluster started once for the whole run (test/helpers/postgres-server.ts).
// Each test file works in a schema of its own, dropped afterwards, so files running at once on
// one server never see each other's tables.

const external = process.env.COPSE_TEST_DATABASE_URL || undefined;
const unavailable = external ? undefined : clusterUnavailable();
if (unavailable) console.warn(`Skipping the PostgreSQL tests: ${unavailable}`);

/** `describe` for tests that need PostgreSQL: skipped, saying why once, when there is none. */
export const describeWithPostgres = describe.skipIf(unavailable !== undefined);

let server: Promise<string> | undefined;

/** The URL of the server the tests use, starting the throwaway cluster on first use. */
function serverUrl(): Promise<string> {
  server ??= (async () => {
    if (external) return external;
    let dir = process.env[RUN_DIR_VARIABLE];
    if (!dir) {
      // A run without the global set-up (a file started some other way) gets a cluster of its
      // own, stopped when the process exits.
      const own = createRunDir();
      process.once("exit", () => removeRunDir(own));
      dir = own;
    }
    return clusterUrl(dir);
  })();
  return server;
}

/** A schema of its own for one test file, and a pool whose connections work in it. */
export interface TestSchema {
  /** A connection URL whose search_path is the schema. */
  url: string;
  /** A pool on `url`. */
  pool: pg.Pool;
  /** Makes another pool on the same schema, as a second process would have. */
  anotherPool(): pg.Pool;
  /** Closes every pool made here and drops the schema. */
  drop(): Promise<void>;
}

/** Creates a fresh schema on the test server. */
export async function freshSchema(): Promise<TestSchema> {
  const base = await serverUrl();
  const name = `copse_test_${randomBytes(6).toString("hex")}`;
  await asAdmin(base, `CREATE SCHEMA ${name}`);
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${name}`);
  const pools: pg.Pool[] = [];
  const anotherPool = () => {
    const pool = new pg.Pool({ connectionString: url.href });
    pools.push(pool);
    return pool;
  };
  return {
    url: url.href,
    pool: anotherPool(),
    anotherPool,
    async drop() {
      await Promise.all(pools.map((pool) => pool.end()));
      await asAdmin(base, `DROP SCHEMA ${name} CASCADE`);
    },
  };
}
