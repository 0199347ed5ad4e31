import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { PostgresKvStore } from "../../src/federation/postgres/kv.ts";
import { PostgresMessageQueue } from "../../src/federation/postgres/queue.ts";
import { openInstanceDatabase } from "../../src/instance.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";

// `npm run admin -- move-origin` on an instance whose queue is on PostgreSQL (COPSE_QUEUE_URL):
// the messages still queued there hold it back, and a forced move clears the cache there, as
// it does in SQLite. Run as a user would, through the built command line.

describeWithPostgres("move-origin with the queue on PostgreSQL", { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "copse-cli-pg-"));
  let queue: TestSchema;

  const admin = (args: string[]) => {
    const result = spawnSync(
      process.execPath,
      ["--enable-source-maps", "build/cli/admin.js", ...args],
      {
        env: {
          ...process.env,
          COPSE_DATA_DIR: dataDir,
          COPSE_ORIGIN: "http://old.test",
          COPSE_QUEUE_URL: queue.url,
          COPSE_LOG_LEVEL: "error",
        },
        encoding: "utf8",
      },
    );
    return { code: result.status, out: result.stdout, err: result.stderr };
  };
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
