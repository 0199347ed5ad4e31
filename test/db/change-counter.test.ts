import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BOOKKEEPING_TABLES } from "../../src/db/change-counter.ts";
import { type Db, openDatabase } from "../../src/db/client.ts";
import {
  cachedUntilChange,
  changeStamp,
  frozen,
  keptByIdUntilChange,
} from "../../src/db/generation.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { writeBookkeeping } from "../helpers/bookkeeping.ts";
import { freshDb, freshSqliteDb } from "../helpers/db.ts";
import { freshPostgresUrl, TEST_DATABASE } from "../helpers/test-database.ts";

// The change stamp (src/db/change-counter.ts, src/db/postgres/change-counter.ts): raised by
// what pages are made of, untouched by the queue, the key-value store and the other
// bookkeeping a federating instance writes all the time. Run on the suite's database.

/** An account's actor row, the smallest content write there is. */
function addActor(db: Db, handle: string): void {
  db.$client
    .prepare(
      `INSERT INTO actors (iri, type, handle, host, is_local) VALUES (?, 'Person', ?, 'elsewhere.test', 0)`,
    )
    .run(`https://elsewhere.test/u/${handle}`, handle);
}

/** Two connections to one new database: a web process's and a worker's. */
function twoConnections(dirs: string[]): [Db, Db] {
  if (TEST_DATABASE === "postgres") {
    const url = freshPostgresUrl();
    return [openDatabase(url), openDatabase(url)];
  }
  const dir = mkdtempSync(join(tmpdir(), "copse-changes-"));
  dirs.push(dir);
  const path = join(dir, "copse.db");
  const web = openDatabase(path);
  runMigrations(web);
  const worker = openDatabase(path);
  runMigrations(worker);
  return [web, worker];
}

/** The tables with the change count's triggers. */
function countedTables(db: Db): Set<string> {
  const sql =
    TEST_DATABASE === "postgres"
      ? "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'copse_changes' AND c.relnamespace = current_schema()::regnamespace"
      : "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'copse_changes_%'";
  return new Set(db.$client.prepare(sql).pluck().all() as string[]);
}

/** The ordinary tables of the schema, full-text ones left out (written by triggers). */
function allTables(db: Db): string[] {
  const sql =
    TEST_DATABASE === "postgres"
      ? "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'";
  return (db.$client.prepare(sql).pluck().all() as string[]).filter(
    (name) => !/fts|^sqlite_|^__|^copse_changes$/.test(name),
  );
}

describe("the change stamp", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("counts every table but the bookkeeping ones, new tables included at the next start", () => {
    const db = freshDb();
    const triggers = countedTables(db);
    const tables = allTables(db);
    expect(tables.length).toBeGreaterThan(40);
    for (const table of tables) {
      expect(triggers.has(table), table).toBe(!BOOKKEEPING_TABLES.has(table));
    }
  });

  it("counts a table made by a later version at its first start", () => {
    // SQLite makes the triggers at each start. PostgreSQL makes them whenever migrations run,
    // which is how a new table comes: the test above checks the migrated schema's tables.
    const db = freshSqliteDb();
    db.$client.exec("CREATE TABLE later_feature (id INTEGER PRIMARY KEY)");
    runMigrations(db);
    const before = changeStamp(db);
    db.$client.prepare("INSERT INTO later_feature (id) VALUES (1)").run();
    expect(changeStamp(db)).not.toBe(before);
  });

  it("changes with content and stays put through the queue, key-value store and inbox records", () => {
    const db = freshDb();
    const first = changeStamp(db);
    expect(first).not.toBeNull();
    for (let n = 0; n < 5; n++) writeBookkeeping(db, n);
    expect(changeStamp(db)).toBe(first);
    addActor(db, "ann");
    const second = changeStamp(db);
    expect(second).not.toBe(first);
    db.$client.prepare("UPDATE actors SET name = 'Ann' WHERE handle = 'ann'").run();
    expect(changeStamp(db)).not.toBe(second);
  });

  it("sees another connection's commits, but not its queue work", () => {
    const [web, worker] = twoConnections(dirs);
    const first = changeStamp(web);
    writeBookkeeping(worker, 1);
    expect(changeStamp(web)).toBe(first);
    addActor(worker, "bea");
    expect(changeStamp(web)).not.toBe(first);
    web.$client.close();
    worker.$client.close();
  });

  it("keeps nothing computed inside a transaction, which a rollback could take back", () => {
    const db = freshDb();
    const sqlite = db.$client;
    const count = () => sqlite.prepare("SELECT count(*) FROM actors").pluck().get() as number;
    addActor(db, "first");
    const cached = cachedUntilChange<"n", number>(1);
    const base = cached(db, "n", count);
    try {
      sqlite.transaction(() => {
        addActor(db, "undone");
        expect(changeStamp(db)).toBeNull();
        // Computed with the row that is about to be rolled back.
        expect(cached(db, "n", count)).toBe(base + 1);
        throw new Error("roll back");
      })();
    } catch (error) {
      expect((error as Error).message).toBe("roll back");
    }
    // A different change takes the counter to the number it had inside the transaction (the
    // inbox record between changes nothing): a value kept from inside would be served now.
    sqlite.prepare("INSERT INTO inbox_seen (activity_iri, received_at) VALUES ('urn:y', 0)").run();
    sqlite.prepare("DELETE FROM actors WHERE handle = 'first'").run();
    expect(cached(db, "n", count)).toBe(base - 1);
  });

  it("keeps values by id, reading only the ids not kept, until a change", () => {
    const db = freshDb();
    const asked: number[][] = [];
    const kept = keptByIdUntilChange<string>(3);
    // Finds every id but 99, as a look-up of rows by id would.
    const read = (missing: number[]) => {
      asked.push(missing);
      return new Map(missing.filter((id) => id !== 99).map((id) => [id, `value ${id}`]));
    };
    expect([...kept(db, [1, 2, 1], read)]).toEqual([
      [1, "value 1"],
      [2, "value 2"],
    ]);
    expect(asked).toEqual([[1, 2]]);
    // Only the new id is read; one found nowhere is asked for again each time.
    expect(kept(db, [2, 3, 99], read).get(3)).toBe("value 3");
    expect(kept(db, [1, 99], read).has(99)).toBe(false);
    expect(asked).toEqual([[1, 2], [3, 99], [99]]);
    // A change forgets them all.
    addActor(db, "changed");
    kept(db, [1], read);
    expect(asked.at(-1)).toEqual([1]);
    // Past the limit, all are forgotten at once, and the new ones kept.
    kept(db, [4, 5, 6], read);
    kept(db, [1, 4], read);
    expect(asked.at(-1)).toEqual([1]);
    // Inside a transaction nothing is kept or reused.
    db.$client.transaction(() => {
      kept(db, [4], read);
      expect(asked.at(-1)).toEqual([4]);
    })();
  });

  it("freezes a kept value with the plain objects and arrays in it, and nothing else", () => {
    const when = new Date(0);
    const byId = new Map<number, string>();
    const value = { rows: [{ actor: { name: "Alice" }, when, byId }], total: 1 };
    expect(frozen(value)).toBe(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.rows)).toBe(true);
    expect(Object.isFrozen(value.rows[0])).toBe(true);
    expect(Object.isFrozen(value.rows[0]!.actor)).toBe(true);
    expect(() => {
      (value.rows[0]!.actor as { name: string }).name = "Spoiled";
    }).toThrow(TypeError);
    // Dates and maps are no plain objects: left as they are.
    expect(Object.isFrozen(when)).toBe(false);
    expect(Object.isFrozen(byId)).toBe(false);
    expect(frozen(null)).toBeNull();
    expect(frozen(3)).toBe(3);
  });
});
