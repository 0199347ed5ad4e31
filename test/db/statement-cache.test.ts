import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { actors } from "../../src/db/schema/index.ts";
import { reuseStatements } from "../../src/db/statement-cache.ts";
import { freshDb } from "../helpers/db.ts";
import { TEST_DATABASE } from "../helpers/test-database.ts";

describe("reuseStatements", () => {
  const open: Database.Database[] = [];
  afterEach(() => {
    for (const sqlite of open.splice(0)) sqlite.close();
  });

  function database(capacity?: number): Database.Database {
    const sqlite = new Database(":memory:");
    open.push(sqlite);
    sqlite.exec("CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    reuseStatements(sqlite, capacity);
    return sqlite;
  }

  it("hands back the same statement for the same SQL text", () => {
    const sqlite = database();
    const first = sqlite.prepare("SELECT b FROM t WHERE a = ?");
    expect(sqlite.prepare("SELECT b FROM t WHERE a = ?")).toBe(first);
    expect(sqlite.prepare("SELECT a FROM t WHERE b = ?")).not.toBe(first);
    expect(first.get(2)).toEqual({ b: "two" });
  });

  it("resets the raw, pluck and expand modes a previous caller set", () => {
    const sqlite = database();
    const sql = "SELECT a, b FROM t ORDER BY a";
    expect(sqlite.prepare(sql).raw().get()).toEqual([1, "one"]);
    expect(sqlite.prepare(sql).get()).toEqual({ a: 1, b: "one" });
    expect(sqlite.prepare(sql).pluck().get()).toBe(1);
    expect(sqlite.prepare(sql).all()).toEqual([
      { a: 1, b: "one" },
      { a: 2, b: "two" },
    ]);
    expect(sqlite.prepare(sql).expand().get()).toEqual({ t: { a: 1, b: "one" } });
    expect(sqlite.prepare(sql).get()).toEqual({ a: 1, b: "one" });
  });

  it("gives a fresh statement while the cached one is busy with an open iterator", () => {
    const sqlite = database();
    const sql = "SELECT a FROM t ORDER BY a";
    const seen: number[] = [];
    for (const row of sqlite.prepare(sql).iterate() as Iterable<{ a: number }>) {
      // Running the same SQL inside the loop would throw "busy" if the statement were shared.
      seen.push(row.a, (sqlite.prepare(sql).all() as unknown[]).length);
    }
    expect(seen).toEqual([1, 2, 2, 2]);
  });

  it("keeps at most `capacity` statements, letting the least recently used go", () => {
    const sqlite = database(2);
    const a = sqlite.prepare("SELECT 1");
    const b = sqlite.prepare("SELECT 2");
    expect(sqlite.prepare("SELECT 1")).toBe(a);
    sqlite.prepare("SELECT 3");
    expect(sqlite.prepare("SELECT 1")).toBe(a);
    expect(sqlite.prepare("SELECT 2")).not.toBe(b);
  });

  // better-sqlite3's statements, which PostgreSQL's client does not have (it translates each
  // text once instead: src/db/postgres/sync-client.ts).
  it.skipIf(TEST_DATABASE === "postgres")(
    "is in place on every database the application opens, and Drizzle reads correctly",
    () => {
      const db = freshDb();
      const sql = 'SELECT "id", "handle" FROM "actors"';
      expect(db.$client.prepare(sql)).toBe(db.$client.prepare(sql));
      db.insert(actors)
        .values({
          iri: "https://copse.test/u/ann",
          type: "Person",
          handle: "ann",
          host: "copse.test",
          isLocal: true,
        })
        .run();
      // Drizzle switches its statements to raw mode; a second run must still map rows.
      const once = db.select().from(actors).get();
      const twice = db.select().from(actors).get();
      expect(twice).toEqual(once);
      expect(twice?.handle).toBe("ann");
      expect(db.$client.prepare("SELECT handle FROM actors").get()).toEqual({ handle: "ann" });
      db.$client.close();
    },
  );
});
