import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { SCHEMA_LOCK } from "../../src/federation/postgres/schema.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";

// With COPSE_DATABASE_URL alone, the queue backend's tables share the data's database, and one
// process holds both the queue's pool (asynchronous) and the data's connection (synchronous: the
// main thread waits for each answer). A lock the pool holds while the main thread waits for it
// can never be released, so the two must never take the same advisory lock.

describeWithPostgres("the queue's and the data's locks in one database", () => {
  let schema: TestSchema;

  beforeAll(async () => {
    schema = await freshSchema();
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it("lets a data transaction run while the queue's pool holds its schema lock", async () => {
    const db = openDatabase(schema.url);
    const queueSide = await schema.pool.connect();
    try {
      await queueSide.query("BEGIN");
      await queueSide.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
      // Sharing the key, this would wait for the transaction above, whose process is this
      // one, blocked: it would fail only when the bridge's two-minute wait ran out.
      const answer = db.$client.transaction(() =>
        db.$client.prepare("SELECT 1 AS one").get(),
      )() as { one: number };
      expect(answer.one).toBe(1);
    } finally {
      await queueSide.query("ROLLBACK");
      queueSide.release();
      db.$client.close();
    }
  });
});
