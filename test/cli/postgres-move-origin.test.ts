import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { PostgresKvStore } from "../../src/federation/postgres/kv.ts";
import { PostgresMessageQueue } from "../../src/federation/postgres/queue.ts";
import { openInstanceDatabase } from "../../src/instance.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";
import { freshPostgresUrl, TEST_DATABASE } from "../helpers/test-database.ts";

// `npm run admin -- move-origin` on an instance whose queue is on PostgreSQL (COPSE_QUEUE_URL):
// the messages still queued there hold it back, and a forced move clears the cache there, as
// it does in SQLite. Run as a user would, through the built command line.

/** Runs the built admin command line as a user would, with these settings added. */
function runAdmin(args: string[], env: Record<string, string>) {
  const result = spawnSync(
    process.execPath,
    ["--enable-source-maps", "build/cli/admin.js", ...args],
    { env: { ...process.env, COPSE_LOG_LEVEL: "error", ...env }, encoding: "utf8" },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describeWithPostgres("move-origin with the queue on PostgreSQL", { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "copse-cli-pg-"));
  let queue: TestSchema;

  const admin = (args: string[]) =>
    runAdmin(args, {
      COPSE_DATA_DIR: dataDir,
      COPSE_ORIGIN: "http://old.test",
      COPSE_QUEUE_URL: queue.url,
    });
  const count = async (table: string) =>
    (await queue.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

  beforeAll(async () => {
    queue = await freshSchema();
    openInstanceDatabase(
      loadConfig({ COPSE_DATA_DIR: dataDir, COPSE_ORIGIN: "http://old.test" }),
    ).$client.close();
    // What a server would have left: a cached document and a delivery not yet made.
    await new PostgresKvStore(queue.pool).set(["cached"], { id: "http://old.test/u/a" });
    await new PostgresMessageQueue(queue.pool, { channel: "outbox" }).enqueue({ to: "peer" });
  });

  afterAll(async () => {
    await queue?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("counts the messages queued there, and clears the cache there once forced", async () => {
    const refused = admin(["move-origin", "http://new.test"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("1 deliveries or incoming activities are still queued");
    expect(await count("fedify_kv")).toBe(1);

    const moved = admin(["move-origin", "http://new.test", "--force"]);
    expect(moved.err).toBe("");
    expect(moved.code).toBe(0);
    expect(moved.out).toContain("Moved http://old.test to http://new.test");
    expect(await count("fedify_kv")).toBe(0);
  });
});

// With the data on PostgreSQL too (COPSE_DATABASE_URL, and so the queue there by default), the
// move rewrites the addresses in the PostgreSQL tables and clears the queue backend's cache.
describe.skipIf(TEST_DATABASE !== "postgres")(
  "move-origin with the data on PostgreSQL",
  { timeout: 120_000 },
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), "copse-cli-pgdata-"));
    let url: string;
    let pool: pg.Pool;

    beforeAll(async () => {
      url = freshPostgresUrl();
      const env = { COPSE_DATA_DIR: dataDir, COPSE_ORIGIN: "http://old.test" };
      const db = openInstanceDatabase(loadConfig({ ...env, COPSE_DATABASE_URL: url }));
      try {
        const owner = db.$client
          .prepare("SELECT id FROM actors WHERE is_local = 1 LIMIT 1")
          .get() as { id: number };
        createCommunity(db, "http://old.test", {
          handle: "garden",
          name: "Garden",
          description: "See http://old.test/g/garden/wiki for the rota.",
          visibility: "public",
          ownerActorId: owner.id,
        });
      } finally {
        db.$client.close();
      }
      pool = new pg.Pool({ connectionString: url });
      await new PostgresKvStore(pool).set(["cached"], { id: "http://old.test/u/a" });
    });

    afterAll(async () => {
      await pool?.end();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("rewrites the stored addresses there and clears the cache there", async () => {
      const moved = runAdmin(["move-origin", "http://new.test"], {
        COPSE_DATA_DIR: dataDir,
        COPSE_ORIGIN: "http://old.test",
        COPSE_DATABASE_URL: url,
      });
      expect(moved.err).toBe("");
      expect(moved.code).toBe(0);
      expect(moved.out).toContain("Moved http://old.test to http://new.test");
      const { rows } = await pool.query<{ iri: string; summary: string | null }>(
        "SELECT iri, summary FROM actors WHERE handle = 'garden'",
      );
      expect(rows[0]!.iri).toBe("http://new.test/ap/actors/garden");
      expect(rows[0]!.summary).toContain("http://new.test/g/garden/wiki");
      const old = await pool.query(
        "SELECT 1 FROM actors WHERE is_local = 1 AND iri LIKE 'http://old.test/%'",
      );
      expect(old.rowCount).toBe(0);
      const kv = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM fedify_kv");
      expect(kv.rows[0]!.n).toBe(0);
    });
  },
);
