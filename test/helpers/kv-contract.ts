import type { KvKey, KvStore, KvStoreListEntry } from "@fedify/fedify";
import { describe, expect, it, vi } from "vitest";

// What Fedify expects of any KvStore, run against each of Copse's stores (SQLite and
// PostgreSQL). @fedify/testing 2.3.6 exports a testMessageQueue but no KvStore counterpart, so
// this stands in for one: reads, writes, prefix listing, expiry and compare-and-swap.

/** Reads a whole listing. */
export async function collect(iterable: AsyncIterable<KvStoreListEntry>) {
  const entries: KvStoreListEntry[] = [];
  for await (const entry of iterable) entries.push(entry);
  return entries;
}

/** Sorts entries element by element, since a store promises no particular listing order. */
export function sortByKey(entries: KvStoreListEntry[]): KvStoreListEntry[] {
  const compare = (a: KvKey, b: KvKey): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    }
    return a.length - b.length;
  };
  return [...entries].sort((x, y) => compare(x.key, y.key));
}

function keysOf(entries: KvStoreListEntry[]): KvKey[] {
  return sortByKey(entries).map((entry) => entry.key);
}

/**
 * Declares the shared tests. `store()` returns the store of the current test, made fresh (or
 * emptied) in the caller's beforeEach; `other()` a second store on the same storage, as another
 * process would have (the same store will do where there is only one process).
 */
export function describeKvContract(store: () => KvStore, other: () => KvStore = store): void {
  describe("as a Fedify KvStore", () => {
    it("returns undefined for a key never set", async () => {
      expect(await store().get(["missing"])).toBeUndefined();
    });

    it("stores JSON values under multi-part keys, and deletes them", async () => {
      const kv = store();
      await kv.set(["actor", "https://example.com/users/alice"], { name: "Alice", tags: [1, 2] });
      await kv.set(["count"], 42);
      expect(await other().get(["actor", "https://example.com/users/alice"])).toEqual({
        name: "Alice",
        tags: [1, 2],
      });
      expect(await kv.get(["count"])).toBe(42);
      // A different split of the same characters is a different key.
      expect(await kv.get(["actor"])).toBeUndefined();
      await kv.delete(["count"]);
      await kv.delete(["never-there"]);
      await kv.set(["actor", "https://example.com/users/alice"], undefined);
      expect(await kv.get(["count"])).toBeUndefined();
      expect(await collect(kv.list())).toEqual([]);
    });

    it("forgets a value once its ttl has passed, and keeps the others", async () => {
      const kv = store();
      await kv.set(["short"], "soon gone", { ttl: Temporal.Duration.from({ milliseconds: 300 }) });
      await kv.set(["forever"], "stays");
      expect(await kv.get(["short"])).toBe("soon gone");
      await vi.waitFor(async () => expect(await kv.get(["short"])).toBeUndefined(), {
        timeout: 10_000,
        interval: 50,
      });
      expect(await collect(kv.list())).toEqual([{ key: ["forever"], value: "stays" }]);
    });

    it("matches a prefix element by element, never by string prefix", async () => {
      const kv = store();
      const keys: KvKey[] = [["a"], ["a", "b"], ["a", "b", "c"], ["ab"], ["ab", "c"], ["a,"]];
      for (const key of keys) {
        await kv.set(key, key.join("/"));
      }
      await kv.set(['a"'], "a-quote");
      await kv.set(["a", "bc"], "a/bc");
      await kv.set(["b"], "b");
      expect(keysOf(await collect(kv.list(["a"])))).toEqual([
        ["a"],
        ["a", "b"],
        ["a", "b", "c"],
        ["a", "bc"],
      ]);
      expect(keysOf(await collect(kv.list(["a", "b"])))).toEqual([
        ["a", "b"],
        ["a", "b", "c"],
      ]);
      expect(keysOf(await collect(kv.list(["ab"])))).toEqual([["ab"], ["ab", "c"]]);
      expect(keysOf(await collect(kv.list(["a", "b", "c", "d"])))).toEqual([]);
      expect(await collect(kv.list())).toHaveLength(9);
    });

    it("lists keys holding characters JSON escapes", async () => {
      const kv = store();
      await kv.set(['quote"d', "é\n"], 1);
      await kv.set(['quote"d'], 2);
      await kv.set(["quote"], 3);
      expect(sortByKey(await collect(kv.list(['quote"d'])))).toEqual([
        { key: ['quote"d'], value: 2 },
        { key: ['quote"d', "é\n"], value: 1 },
      ]);
    });

    it("lets the caller write while iterating a listing", async () => {
      const kv = store();
      await kv.set(["batch", "1"], 1);
      await kv.set(["batch", "2"], 2);
      for await (const entry of kv.list(["batch"])) await kv.delete(entry.key);
      expect(await collect(kv.list(["batch"]))).toEqual([]);
    });

    it("swaps a value only when the current one deep-equals the expected one", async () => {
      const kv = store();
      await kv.set(["k"], { b: [1, { c: true }], a: "x" });
      expect(await kv.cas!(["k"], { a: "x", b: [1, { c: true }] }, { a: 1 })).toBe(true);
      expect(await kv.cas!(["k"], { a: 2 }, "no")).toBe(false);
      expect(await kv.cas!(["k"], { a: 1, b: 2 }, "no")).toBe(false);
      expect(await kv.cas!(["k"], undefined, "no")).toBe(false);
      expect(await kv.get(["k"])).toEqual({ a: 1 });
      expect(await kv.cas!(["fresh"], null, "no")).toBe(false);
      expect(await kv.cas!(["fresh"], undefined, "created")).toBe(true);
      expect(await kv.get(["fresh"])).toBe("created");
    });

    it("lets exactly one of many racing swaps win, across stores", async () => {
      const kv = store();
      await kv.set(["counter"], 0);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? kv : other()).cas!(["counter"], 0, i + 1),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await kv.get(["counter"])).toBe(results.indexOf(true) + 1);
      // The same race on a key that does not exist yet.
      const creations = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? kv : other()).cas!(["new"], undefined, i),
        ),
      );
      expect(creations.filter(Boolean)).toHaveLength(1);
      expect(await kv.get(["new"])).toBe(creations.indexOf(true));
    });
  });
}
