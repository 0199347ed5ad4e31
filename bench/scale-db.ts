import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, isStale } from "../scripts/build.mjs";
import {
  asAdmin,
  clusterUnavailable,
  clusterUrl,
  createRunDir,
  removeRunDir,
} from "../test/helpers/postgres-server.ts";

// Where the several-process benchmarks (bench/scale.ts) keep an instance: a data directory
// with SQLite (BENCH_DATABASE unset or "sqlite"), or a fresh schema on PostgreSQL
// (BENCH_DATABASE=postgres): the server BENCH_DATABASE_URL names, or a throwaway cluster
// started as the tests start theirs (test/helpers/postgres-server.ts) and stopped at the end.

/** One instance's storage: the settings that point a process at it, and its removal. */
export interface BenchStore {
  /** "sqlite" or "postgres", for the printed figures. */
  kind: "sqlite" | "postgres";
  /** The data directory every process shares (uploads, and the database for SQLite). */
  dataDir: string;
  /** The PostgreSQL URL (search_path set to the schema), when the data is there. */
  url: string | undefined;
  /** The settings for a process of this instance. */
  env: Record<string, string>;
  /** Removes the directory and drops the schema. */
  drop(): Promise<void>;
}

/** Makes stores for one benchmark run; `close` stops a cluster it started. */
export interface BenchStores {
  kind: "sqlite" | "postgres";
  fresh(name: string): Promise<BenchStore>;
  close(): Promise<void>;
}

/** The stores BENCH_DATABASE asks for; builds build/ first, since the processes run it. */
export async function benchStores(): Promise<BenchStores> {
  if (isStale()) await build();
  const kind = process.env.BENCH_DATABASE === "postgres" ? "postgres" : "sqlite";
  let server: string | undefined;
  let runDir: string | undefined;
  if (kind === "postgres") {
    server = process.env.BENCH_DATABASE_URL;
    if (!server) {
      const unavailable = clusterUnavailable();
      if (unavailable) throw new Error(`BENCH_DATABASE=postgres: ${unavailable}`);
      runDir = createRunDir();
      server = await clusterUrl(runDir);
    }
  }
  return {
    kind,
    async fresh(name) {
      const dataDir = mkdtempSync(join(tmpdir(), `copse-bench-${name}-`));
      let url: string | undefined;
      let schema: string | undefined;
      if (server) {
        schema = `copse_bench_${randomBytes(4).toString("hex")}`;
        await asAdmin(server, `CREATE SCHEMA ${schema}`);
        const withPath = new URL(server);
        withPath.searchParams.set("options", `-c search_path=${schema}`);
        url = withPath.href;
      }
      return {
        kind,
        dataDir,
        url,
        env: { COPSE_DATA_DIR: dataDir, ...(url ? { COPSE_DATABASE_URL: url } : {}) },
        async drop() {
          rmSync(dataDir, { recursive: true, force: true });
          if (server && schema) await asAdmin(server, `DROP SCHEMA ${schema} CASCADE`);
        },
      };
    },
    async close() {
      if (runDir) removeRunDir(runDir);
    },
  };
}

/** The process counts to measure: BENCH_PROCESSES=1,2,4 by default. */
export function processCounts(): number[] {
  return (process.env.BENCH_PROCESSES ?? "1,2,4")
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}
