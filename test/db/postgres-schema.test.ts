import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EXCLUDED_TABLES,
  POSTGRES_SCHEMA_DIR,
  renderPostgresSchema,
  toPostgresSql,
} from "../../scripts/postgres-schema.ts";
import type { Db } from "../../src/db/client.ts";
import { openDatabase } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { DERIVED_OBJECTS_MARK } from "../../src/db/postgres/derived-objects.ts";
import {
  advanceIdentities,
  migratePostgres,
  POSTGRES_MIGRATIONS,
} from "../../src/db/postgres/migrate.ts";
import { htmlToText } from "../../src/db/search-index.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";

// The PostgreSQL schema is generated from the sqlite one (scripts/postgres-schema.ts) and
// drizzle-kit makes migrations/postgres from it: both must keep up with the sqlite schema, and
// applied to PostgreSQL they must give every table and column SQLite has, with the defaults
// the code leaves to the database, and full-text tables kept as SQLite's FTS5 ones are.

describe("the generated PostgreSQL schema", () => {
  it("is what scripts/postgres-schema.ts makes of the sqlite schema now (else: npm run db:generate)", async () => {
    const expected = await renderPostgresSchema();
    const written = new Map(
      readdirSync(POSTGRES_SCHEMA_DIR).map((f) => [
        f,
        readFileSync(join(POSTGRES_SCHEMA_DIR, f), "utf8"),
      ]),
    );
    expect([...written.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [file, source] of expected) expect(written.get(file), file).toBe(source);
  });

  it("is what the newest PostgreSQL migration's snapshot holds (else: npm run db:generate)", async () => {
    const api = await import("drizzle-kit/api");
    const schema = await import("../../src/db/schema-postgres/index.ts");
    const { id: _id, prevId: _prevId, ...current } = api.generateDrizzleJson(schema);
    const journal = JSON.parse(
      readFileSync(join(POSTGRES_MIGRATIONS, "meta", "_journal.json"), "utf8"),
    ) as { entries: { idx: number }[] };
    const last = String(journal.entries.at(-1)!.idx).padStart(4, "0");
    const snapshotFile = join(POSTGRES_MIGRATIONS, "meta", `${last}_snapshot.json`);
    const {
      id: _sid,
      prevId: _sprev,
      ...snapshot
    } = JSON.parse(readFileSync(snapshotFile, "utf8"));
    expect(current).toEqual(snapshot);
  });

  it("has migrations that name no schema, so they apply to the connection's own", () => {
    for (const file of readdirSync(POSTGRES_MIGRATIONS).filter((f) => f.endsWith(".sql"))) {
      expect(readFileSync(join(POSTGRES_MIGRATIONS, file), "utf8"), file).not.toContain(
        '"public".',
      );
    }
  });

  it("spells SQLite's clock in PostgreSQL's words and refuses functions it cannot translate", () => {
    expect(toPostgresSql("(unixepoch('subsec') * 1000)")).toBe(
      "(extract(epoch from clock_timestamp()) * 1000)::bigint",
    );
    expect(toPostgresSql(`"value" in (-1, 1)`)).toBe(`"value" in (-1, 1)`);
    expect(() => toPostgresSql("json_extract(x, '$.a')")).toThrow(/json_extract/);
  });
});

interface SqliteColumn {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

/** SQLite's tables (without FTS5 and its shadow tables) and their columns. */
function sqliteTables(db: Db): Map<string, SqliteColumn[]> {
  const names = db.$client
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
       AND name NOT LIKE '%_fts%' AND name <> '__drizzle_migrations'`,
    )
    .pluck()
    .all() as string[];
  return new Map(
    names
      .filter((n) => !EXCLUDED_TABLES.has(n))
      .map((n) => [n, db.$client.prepare(`PRAGMA table_info(${n})`).all() as SqliteColumn[]]),
  );
}

const PG_TYPES: Record<string, string> = {
  INTEGER: "bigint",
  REAL: "double precision",
  TEXT: "text",
  BLOB: "bytea",
};

describeWithPostgres("migratePostgres", () => {
  let schema: TestSchema;
  let sqlite: Db;

  beforeAll(async () => {
    schema = await freshSchema();
    // Two processes starting at once on an empty database: both succeed, one migrates.
    await Promise.all([migratePostgres(schema.pool), migratePostgres(schema.anotherPool())]);
    // Always SQLite, whichever database the run puts the other tests on: it is the reference.
    sqlite = openDatabase(":memory:");
    runMigrations(sqlite);
  });

  afterAll(async () => {
    sqlite?.$client.close();
    await schema?.drop();
  });

  async function pgColumns() {
    const { rows } = await schema.pool.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: "YES" | "NO";
      column_default: string | null;
      is_identity: "YES" | "NO";
    }>(
      `SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity
       FROM information_schema.columns WHERE table_schema = current_schema()
       ORDER BY table_name, ordinal_position`,
    );
    return rows;
  }

  it("makes every SQLite table with the same columns, types, nullability and defaults", async () => {
    const pg = await pgColumns();
    const tables = sqliteTables(sqlite);
    expect(tables.size).toBeGreaterThan(50);
    for (const [table, columns] of tables) {
      const pgTable = pg.filter((c) => c.table_name === table);
      // In any order: SQLite adds a new column at the end, the generated schema where declared.
      expect(pgTable.map((c) => c.column_name).sort(), table).toEqual(
        columns.map((c) => c.name).sort(),
      );
      for (const column of columns) {
        const other = pgTable.find((c) => c.column_name === column.name)!;
        const where = `${table}.${column.name}`;
        expect(other.data_type, where).toBe(PG_TYPES[column.type]);
        if (column.pk === 0) {
          expect(other.is_nullable === "NO", where).toBe(column.notnull === 1);
          expect(other.column_default !== null, where).toBe(column.dflt_value !== null);
        }
      }
    }
  });

  it("makes the full-text tables with the FTS5 tables' columns, rowid and a tsvector", async () => {
    const pg = await pgColumns();
    for (const table of ["items_fts", "actors_fts"]) {
      const fts5 = (
        sqlite.$client.prepare(`PRAGMA table_info(${table})`).all() as SqliteColumn[]
      ).map((c) => c.name);
      expect(fts5.length, table).toBeGreaterThan(1);
      expect(
        pg.filter((c) => c.table_name === table).map((c) => [c.column_name, c.data_type]),
      ).toEqual([
        ["rowid", "bigint"],
        ...fts5.map((name) => [name, "text"]),
        ["document", "tsvector"],
      ]);
    }
  });

  it("lets PostgreSQL number the rows whose ids SQLite assigns, and nothing else", async () => {
    const identities = (await pgColumns())
      .filter((c) => c.is_identity === "YES")
      .map((c) => `${c.table_name}.${c.column_name}`);
    const autoincrement = [...sqliteTables(sqlite)]
      .filter(([table, columns]) => {
        const pk = columns.filter((c) => c.pk > 0);
        const sql = sqlite.$client
          .prepare("SELECT sql FROM sqlite_master WHERE name = ?")
          .pluck()
          .get(table) as string;
        return pk.length === 1 && pk[0]!.type === "INTEGER" && /AUTOINCREMENT/.test(sql);
      })
      .map(([table, columns]) => `${table}.${columns.find((c) => c.pk > 0)!.name}`);
    expect(identities.sort()).toEqual(autoincrement.sort());
    expect(identities).toContain("items.id");
  });

  it("makes every index SQLite has, by name", async () => {
    const { rows } = await schema.pool.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()",
    );
    const pgIndexes = new Set(rows.map((r) => r.indexname));
    const sqliteIndexes = sqlite.$client
      .prepare(
        `SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'
         AND name NOT LIKE 'sqlite_autoindex%'`,
      )
      .all() as { name: string; tbl_name: string }[];
    const expected = sqliteIndexes.filter((i) => !EXCLUDED_TABLES.has(i.tbl_name));
    expect(expected.length).toBeGreaterThan(50);
    for (const index of expected) expect(pgIndexes.has(index.name), index.name).toBe(true);
  });

  it("fills ids and timestamps from the database's defaults, and takes explicit ids too", async () => {
    const before = Date.now();
    const { rows } = await schema.pool.query(
      `INSERT INTO actors (id, iri, type, handle, host, is_local, name, created_at)
       VALUES (DEFAULT, 'https://a.example/u/ann', 'Person', 'ann', 'a.example', 1, DEFAULT, DEFAULT)
       RETURNING id, name, summary, manually_approves_followers, created_at`,
    );
    const actor = rows[0];
    expect(Number(actor.id)).toBeGreaterThan(0);
    expect(actor).toMatchObject({ name: "", summary: "", manually_approves_followers: "0" });
    // Milliseconds since the epoch, as SQLite's (unixepoch('subsec') * 1000) gives.
    expect(Number(actor.created_at)).toBeGreaterThanOrEqual(before - 5_000);
    expect(Number(actor.created_at)).toBeLessThanOrEqual(Date.now() + 5_000);

    await schema.pool.query(
      `INSERT INTO actors (id, iri, type, handle, host, is_local)
       VALUES (1000, 'https://a.example/u/bob', 'Person', 'bob', 'a.example', 0)`,
    );
    const bob = await schema.pool.query("SELECT handle FROM actors WHERE id = 1000");
    expect(bob.rows).toEqual([{ handle: "bob" }]);
    // After a copy with explicit ids, new rows are numbered after them.
    await advanceIdentities(schema.pool);
    const next = await schema.pool.query(
      `INSERT INTO actors (iri, type, handle, host, is_local)
       VALUES ('https://a.example/u/cat', 'Person', 'cat', 'a.example', 0) RETURNING id`,
    );
    expect(next.rows).toEqual([{ id: "1001" }]);
  });

  it("keeps foreign keys with their actions and SQLite's checks", async () => {
    const { rows } = await schema.pool.query(
      `INSERT INTO actors (iri, type, handle, host, is_local)
       VALUES ('https://a.example/u/cy', 'Person', 'cy', 'a.example', 1) RETURNING id`,
    );
    const actorId = rows[0].id;
    const item = await schema.pool.query(
      `INSERT INTO items (iri, kind, author_id, visibility, is_local, published_at, updated_at,
         activity_at) VALUES ('https://a.example/i/1', 'topic', $1, 'public', 1, 1, 1, 1)
       RETURNING id`,
      [actorId],
    );
    await expect(
      schema.pool.query(
        "INSERT INTO votes (item_id, actor_id, value, activity_iri) VALUES ($1, $2, 2, 'https://a.example/v')",
        [item.rows[0].id, actorId],
      ),
    ).rejects.toThrow(/votes_value_sign/);
    await schema.pool.query("DELETE FROM actors WHERE id = $1", [actorId]);
    const left = await schema.pool.query("SELECT 1 FROM items WHERE id = $1", [item.rows[0].id]);
    expect(left.rowCount).toBe(0);
  });
});

describeWithPostgres("PostgreSQL full-text tables", () => {
  let schema: TestSchema;
  let actorId: number;

  beforeAll(async () => {
    schema = await freshSchema();
    // A single client, where the other suite gives pools.
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      await migratePostgres(client);
    } finally {
      await client.end();
    }
    const { rows } = await schema.pool.query(
      `INSERT INTO actors (iri, type, handle, host, is_local, name, summary, job_title)
       VALUES ('https://a.example/u/dee', 'Person', 'dee', 'a.example', 1, 'Dee Jones',
         '<p>Runs the <b>allotments</b> &amp; orchards</p>', 'Gardener') RETURNING id`,
    );
    actorId = Number(rows[0].id);
  });

  afterAll(async () => {
    await schema?.drop();
  });

  async function addItem(title: string, bodyHtml: string): Promise<number> {
    const { rows } = await schema.pool.query(
      `INSERT INTO items (iri, kind, author_id, title, body_html, visibility, is_local,
         published_at, updated_at, activity_at)
       VALUES ($1, 'topic', $2, $3, $4, 'public', 1, 1, 1, 1) RETURNING id`,
      [`https://a.example/i/${title}`, actorId, title, bodyHtml],
    );
    return Number(rows[0].id);
  }

  async function matches(table: string, query: string): Promise<number[]> {
    const { rows } = await schema.pool.query(
      `SELECT rowid FROM ${table} WHERE document @@ websearch_to_tsquery('english', $1)
       ORDER BY rowid`,
      [query],
    );
    return rows.map((r) => Number(r.rowid));
  }

  it("turns HTML into the same text as htmlToText does on SQLite", async () => {
    const samples = [
      "<p>Rock &amp; roll</p><p>on &lt;b&gt; tags</p>",
      "&amp;lt; stays an entity, &quot;quoted&quot; &apos;a&apos; &#39;b&#39;",
      "  tabs\tand\n\nnew lines\u00a0and\u2003spaces&nbsp;here  ",
      "\v\f\r\u2028\u3000\ufeffall spaces; not \u0085 nor \u001f nor \u200b",
      "<a href='x'>link</a>text<br/>more",
      "forged \u0002highlight\u0003 marks",
      "unknown &eacute; &copy; entities & lone ampersands <",
      "",
    ];
    for (const html of samples) {
      const { rows } = await schema.pool.query("SELECT copse_text($1) AS text", [html]);
      expect(rows[0].text, html).toBe(htmlToText(html));
    }
    const empty = await schema.pool.query("SELECT copse_text(NULL) AS text");
    expect(empty.rows[0].text).toBe("");
  });

  it("indexes an item when it is written, again when edited, and forgets it when deleted", async () => {
    const id = await addItem("Composting", "<p>Turning <em>leaves</em> &amp; peelings</p>");
    const row = await schema.pool.query(
      "SELECT rowid, title, body FROM items_fts WHERE rowid = $1",
      [id],
    );
    expect(row.rows).toEqual([
      { rowid: String(id), title: "Composting", body: "Turning leaves & peelings" },
    ]);
    // English stemming, as FTS5's porter tokenizer: "peeling" finds "peelings".
    expect(await matches("items_fts", "peeling")).toContain(id);

    await schema.pool.query(
      "UPDATE items SET title = 'Mulching', body_html = '<p>Bark</p>' WHERE id = $1",
      [id],
    );
    const edited = await schema.pool.query("SELECT title, body FROM items_fts WHERE rowid = $1", [
      id,
    ]);
    expect(edited.rows).toEqual([{ title: "Mulching", body: "Bark" }]);
    expect(await matches("items_fts", "peelings")).not.toContain(id);
    expect(await matches("items_fts", "mulch")).toContain(id);

    await schema.pool.query("DELETE FROM items WHERE id = $1", [id]);
    const gone = await schema.pool.query("SELECT 1 FROM items_fts WHERE rowid = $1", [id]);
    expect(gone.rowCount).toBe(0);
  });

  it("indexes people by name, handle, text of their summary, job title and organisation", async () => {
    const { rows } = await schema.pool.query(
      "SELECT name, handle, summary, job_title, organisation FROM actors_fts WHERE rowid = $1",
      [actorId],
    );
    expect(rows).toEqual([
      {
        name: "Dee Jones",
        handle: "dee",
        summary: "Runs the allotments & orchards",
        job_title: "Gardener",
        organisation: "",
      },
    ]);
    expect(await matches("actors_fts", "orchard")).toEqual([actorId]);
    await schema.pool.query("UPDATE actors SET organisation = 'Parks' WHERE id = $1", [actorId]);
    expect(await matches("actors_fts", "parks")).toEqual([actorId]);
  });

  it("matches a full-text row with a column left empty, as FTS5 allows", async () => {
    await schema.pool.query("INSERT INTO items_fts (rowid, body) VALUES (999999, 'lonely words')");
    expect(await matches("items_fts", "lonely")).toEqual([999999]);
    await schema.pool.query("DELETE FROM items_fts WHERE rowid = 999999");
  });

  it("weighs titles above bodies, as the SQLite ranking does", async () => {
    const inTitle = await addItem("Hedgehogs", "<p>Small mammals</p>");
    const inBody = await addItem("Visitors", "<p>Hedgehogs came</p>");
    const { rows } = await schema.pool.query(
      `SELECT rowid FROM items_fts WHERE document @@ to_tsquery('english', 'hedgehog')
       ORDER BY ts_rank(document, to_tsquery('english', 'hedgehog')) DESC`,
    );
    expect(rows.map((r) => Number(r.rowid))).toEqual([inTitle, inBody]);
  });

  it("fills a full-text table made after rows exist, and running again changes nothing", async () => {
    const id = await addItem("Seeds", "<p>Saving seeds</p>");
    await schema.pool.query("DROP TABLE items_fts");
    await migratePostgres(schema.pool);
    const refilled = await schema.pool.query("SELECT body FROM items_fts WHERE rowid = $1", [id]);
    expect(refilled.rows).toEqual([{ body: "Saving seeds" }]);
    const count = async () =>
      (await schema.pool.query("SELECT count(*)::int AS n FROM items_fts")).rows[0].n;
    const before = await count();
    await migratePostgres(schema.pool);
    expect(await count()).toBe(before);
    const triggers = await schema.pool.query(
      "SELECT tgname FROM pg_trigger WHERE tgrelid = 'items'::regclass AND NOT tgisinternal ORDER BY tgname",
    );
    // Marked as made, so that later starts skip the migrator (derived-objects.ts).
    const mark = await schema.pool.query(
      "SELECT obj_description(oid, 'pg_trigger') AS mark FROM pg_trigger WHERE tgrelid = 'items'::regclass AND tgname = 'copse_changes'",
    );
    expect(mark.rows).toEqual([{ mark: DERIVED_OBJECTS_MARK }]);
    expect(triggers.rows).toEqual([
      { tgname: "copse_changes" },
      { tgname: "item_groups_keys_update" },
      { tgname: "items_fts_sync" },
      { tgname: "items_title_fts_sync" },
      { tgname: "tag_counts_item_delete" },
      { tgname: "tag_counts_item_update" },
    ]);
  });
});
