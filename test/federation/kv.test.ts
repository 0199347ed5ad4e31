import "../helpers/temporal.ts";
import type { KvKey } from "@fedify/fedify";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { durationToMilliseconds, SqliteKvStore } from "../../src/federation/kv.ts";
import { freshSqliteDb } from "../helpers/db.ts";
import { collect, describeKvContract, sortByKey } from "../helpers/kv-contract.ts";

// vitest's fake timers also try to fake the global Temporal, which the polyfill does not allow,
// so the tests move only Date.now, which is the one clock the store reads.
let clock = 0;

function freezeClock(): void {
  clock = Date.now();
  vi.spyOn(Date, "now").mockImplementation(() => clock);
}

function advanceClock(ms: number): void {
  clock += ms;
}

describe("SqliteKvStore", () => {
  let db: Db;
  let kv: SqliteKvStore;

  beforeEach(() => {
    // SQLite's own store and queue, in every run: PostgreSQL's are tested in postgres-*.test.ts.
    db = freshSqliteDb();
    kv = new SqliteKvStore(db);
  });

  afterEach(() => {
    vi.restoreAllMocks();
    db.$client.close();
  });

  describeKvContract(
    () => kv,
    () => new SqliteKvStore(db),
  );

  it("replaces a value and its expiry on a second set", async () => {
    freezeClock();
    await kv.set(["k"], "first", { ttl: Temporal.Duration.from({ seconds: 1 }) });
    await kv.set(["k"], "second");
    advanceClock(5_000);
    expect(await kv.get(["k"])).toBe("second");
  });

  it("writes nothing when a key is set again to the value and expiry it has", async () => {
    // Fedify records the signature format a server accepted after every delivery.
    const key: KvKey = ["_fedify", "httpMessageSignaturesSpec", "https://peer.example"];
    const changes = () =>
      (db.$client.prepare("SELECT total_changes() AS n").get() as { n: number }).n;
    await kv.set(key, "draft-cavage-http-signatures-12");
    const afterFirst = changes();
    await kv.set(key, "draft-cavage-http-signatures-12");
    expect(changes()).toBe(afterFirst);
    await kv.set(key, "rfc9421");
    expect(changes()).toBe(afterFirst + 1);
    expect(await kv.get(key)).toBe("rfc9421");
    // A new expiry is a change, even with the same value.
    await kv.set(key, "rfc9421", { ttl: Temporal.Duration.from({ hours: 1 }) });
    expect(changes()).toBe(afterFirst + 2);
  });

  it("treats setting undefined as deleting", async () => {
    await kv.set(["k"], "v");
    await kv.set(["k"], undefined);
    expect(await kv.get(["k"])).toBeUndefined();
    expect(db.$client.prepare("SELECT COUNT(*) AS n FROM fedify_kv").get()).toEqual({ n: 0 });
  });

  it("expires entries after their ttl and removes them when read", async () => {
    freezeClock();
    await kv.set(["short"], "soon gone", { ttl: Temporal.Duration.from({ seconds: 10 }) });
    await kv.set(["forever"], "stays");
    advanceClock(9_000);
    expect(await kv.get(["short"])).toBe("soon gone");
    advanceClock(2_000);
    expect(await kv.get(["short"])).toBeUndefined();
    expect(await kv.get(["forever"])).toBe("stays");
    const rows = db.$client.prepare("SELECT key FROM fedify_kv ORDER BY key").all();
    expect(rows).toEqual([{ key: '["forever"]' }]);
  });

  it("purges expired entries nobody reads again on a later write", async () => {
    freezeClock();
    await kv.set(["a"], 1, { ttl: Temporal.Duration.from({ seconds: 1 }) });
    await kv.set(["b"], 2, { ttl: Temporal.Duration.from({ seconds: 1 }) });
    advanceClock(2 * 60_000);
    await kv.set(["c"], 3);
    const rows = db.$client.prepare("SELECT key FROM fedify_kv").all();
    expect(rows).toEqual([{ key: '["c"]' }]);
  });

  it("lists every live entry when given no prefix", async () => {
    freezeClock();
    await kv.set(["a"], 1);
    await kv.set(["b", "c"], 2);
    await kv.set(["gone"], 3, { ttl: Temporal.Duration.from({ seconds: 1 }) });
    advanceClock(2_000);
    const entries = await collect(kv.list());
    expect(sortByKey(entries)).toEqual([
      { key: ["a"], value: 1 },
      { key: ["b", "c"], value: 2 },
    ]);
  });

  describe("cas", () => {
    it("treats an absent or expired key as undefined", async () => {
      freezeClock();
      expect(await kv.cas(["fresh"], null, "no")).toBe(false);
      expect(await kv.cas(["fresh"], undefined, "created")).toBe(true);
      expect(await kv.get(["fresh"])).toBe("created");
      await kv.set(["old"], "v", { ttl: Temporal.Duration.from({ seconds: 1 }) });
      advanceClock(2_000);
      expect(await kv.cas(["old"], "v", "revived")).toBe(false);
      expect(await kv.cas(["old"], undefined, "replaced")).toBe(true);
      expect(await kv.get(["old"])).toBe("replaced");
    });

    it("applies the ttl of the new value", async () => {
      freezeClock();
      await kv.set(["k"], 1);
      expect(await kv.cas(["k"], 1, 2, { ttl: Temporal.Duration.from({ seconds: 5 }) })).toBe(true);
      advanceClock(6_000);
      expect(await kv.get(["k"])).toBeUndefined();
    });
  });
});

describe("durationToMilliseconds", () => {
  it("totals fixed units and resolves calendar units from now", () => {
    expect(durationToMilliseconds(Temporal.Duration.from({ days: 1, seconds: 2 }))).toBe(
      86_402_000,
    );
    const month = durationToMilliseconds(Temporal.Duration.from({ months: 1 }));
    expect(month).toBeGreaterThanOrEqual(28 * 86_400_000);
    expect(month).toBeLessThanOrEqual(31 * 86_400_000);
  });
});
