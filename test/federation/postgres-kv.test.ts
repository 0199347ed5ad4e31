import "../helpers/temporal.ts";
import type { KvKey } from "@fedify/fedify";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { PostgresKvStore } from "../../src/federation/postgres/kv.ts";
import { ensurePostgresSchema } from "../../src/federation/postgres/schema.ts";
import { describeKvContract } from "../helpers/kv-contract.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";

// Fedify's key-value store on PostgreSQL: the contract every Copse store keeps, with a second
// store on a pool of its own standing in for another process, and what is particular to
// PostgreSQL (expiry by the database's clock, byte-ordered keys whatever the collation).

describeWithPostgres("PostgresKvStore", () => {
  let schema: TestSchema;
  let kv: PostgresKvStore;
  let other: PostgresKvStore;

  beforeAll(async () => {
    schema = await freshSchema();
    await ensurePostgresSchema(schema.pool);
    kv = new PostgresKvStore(schema.pool);
    other = new PostgresKvStore(schema.anotherPool());
  });

  beforeEach(async () => {
    await schema.pool.query("TRUNCATE fedify_kv");
  });

  afterAll(async () => {
    await schema?.drop();
  });

  describeKvContract(
    () => kv,
    () => other,
  );

  it("writes nothing when a key is set again to the value and expiry it has", async () => {
    // Fedify records the signature format a server accepted after every delivery.
    const key: KvKey = ["_fedify", "httpMessageSignaturesSpec", "https://peer.example"];
    const version = async () =>
      (await schema.pool.query<{ v: string }>("SELECT xmin::text AS v FROM fedify_kv")).rows[0]?.v;
    await kv.set(key, "draft-cavage-http-signatures-12");
    const first = await version();
    await kv.set(key, "draft-cavage-http-signatures-12");
    expect(await version()).toBe(first);
    await kv.set(key, "rfc9421");
    expect(await version()).not.toBe(first);
    expect(await kv.get(key)).toBe("rfc9421");
  });

  describe("cas against another process's open transaction", () => {
    /** Runs `sql` in a transaction left open until the returned commit is called. */
    async function openTransaction(sql: string, params: unknown[]) {
      const client = await schema.pool.connect();
      await client.query("BEGIN");
      await client.query(sql, params);
      return async () => {
        await client.query("COMMIT");
        client.release();
      };
    }

    /** Resolves once some connection waits on a row lock (the swap, blocked). */
    const swapIsBlocked = () =>
      vi.waitFor(
        async () => {
          const { rows } = await schema.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          expect(rows[0]!.n).toBeGreaterThan(0);
        },
        { timeout: 10_000, interval: 20 },
      );

    it("fails when the value it compared changes before it can write", async () => {
      await kv.set(["k"], "old");
      const commit = await openTransaction("UPDATE fedify_kv SET value = $1 WHERE key = $2", [
        JSON.stringify("changed"),
        JSON.stringify(["k"]),
      ]);
      const swap = other.cas(["k"], "old", "mine");
      await swapIsBlocked();
      await commit();
      expect(await swap).toBe(false);
      expect(await kv.get(["k"])).toBe("changed");
    });

    it("fails to create a key that another transaction creates first", async () => {
      const commit = await openTransaction("INSERT INTO fedify_kv (key, value) VALUES ($1, $2)", [
        JSON.stringify(["k"]),
        JSON.stringify("theirs"),
      ]);
      const swap = other.cas(["k"], undefined, "mine");
      await swapIsBlocked();
      await commit();
      expect(await swap).toBe(false);
      expect(await kv.get(["k"])).toBe("theirs");
    });
  });

  it("measures expiry by the database's clock and stores keys in byte order", async () => {
    await kv.set(["k"], "v", { ttl: Temporal.Duration.from({ hours: 1 }) });
    const { rows } = await schema.pool.query<{ seconds: number; collation: string }>(
      `SELECT extract(epoch FROM expires_at - now())::float8 AS seconds,
         (SELECT collation_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'fedify_kv'
            AND column_name = 'key') AS collation
       FROM fedify_kv`,
    );
    expect(rows[0]!.seconds).toBeGreaterThan(3_500);
    expect(rows[0]!.seconds).toBeLessThanOrEqual(3_600);
    expect(rows[0]!.collation).toBe("C");
  });
});
