import { describe, expect, it } from "vitest";
import { ftsToTsquery } from "../../src/db/postgres/full-text.ts";
import { castJsonLists, translate } from "../../src/db/postgres/translate.ts";

// The SQLite-to-PostgreSQL statement translation, as text: each difference the code base relies
// on, and that nothing inside quotes is touched. (test/db/postgres-bridge.test.ts runs the
// results on a real server.)

describe("translating SQLite's dialect for PostgreSQL", () => {
  it("numbers positional and named parameters, reusing a name's number", () => {
    const t = translate("SELECT * FROM a WHERE x = ? AND y = @y OR z = :y AND w = ?");
    expect(t.text).toBe("SELECT * FROM a WHERE x = $1 AND y = $2 OR z = $2 AND w = $3");
    expect(t.params).toEqual([{ index: 0 }, { name: "y" }, { index: 1 }]);
  });

  it("leaves quoted strings and identifiers alone", () => {
    const t = translate(`SELECT 'a ? like @b', "like" FROM t WHERE c LIKE ?`);
    expect(t.text).toBe(`SELECT 'a ? like @b', "like" FROM t WHERE c ILIKE $1`);
  });

  it("turns Drizzle's bare nulls in VALUES into DEFAULT, and only there", () => {
    const t = translate(
      'insert into "t" ("id", "a", "b") values (null, ?, null), (null, ?, coalesce(null, 1)) on conflict do update set "b" = null returning "id"',
    );
    expect(t.text).toBe(
      'insert into "t" ("id", "a", "b") values (DEFAULT, $1, DEFAULT), (DEFAULT, $2, coalesce(null, 1)) on conflict do update set "b" = null returning "id"',
    );
  });

  it("renames SQLite's functions and scalar max/min, keeping aggregates", () => {
    expect(translate("SELECT max(a), max(a, b), min(c, 2), instr(x, 'y'), char(2)").text).toBe(
      "SELECT max(a), greatest(a, b), least(c, 2), strpos(x, 'y'), chr(2)",
    );
    expect(translate("SELECT total(n) FROM t").text).toBe("SELECT coalesce(sum(n), 0) FROM t");
    expect(translate("SELECT x FROM t LIMIT -1 OFFSET ?").text).toBe(
      "SELECT x FROM t LIMIT ALL OFFSET $1",
    );
    expect(translate("SELECT a FROM t ORDER BY a.name COLLATE NOCASE, b").text).toBe(
      "SELECT a FROM t ORDER BY lower(a.name), b",
    );
    expect(translate("SELECT CAST(x AS REAL)").text).toBe("SELECT CAST(x AS double precision)");
  });

  it("reads JSON lists with the element type the bound value has", () => {
    const t = translate("SELECT * FROM t WHERE id IN (SELECT value FROM json_each(@ids))");
    expect(t.hasJsonLists).toBe(true);
    expect(castJsonLists(t.text, ["[1,2]"])).toContain("SELECT e::bigint FROM");
    expect(castJsonLists(t.text, ['["a"]'])).toContain("SELECT e FROM");
    expect(castJsonLists(t.text, ["[1.5]"])).toContain("e::double precision");
  });

  it("rewrites FTS5 MATCH, bm25 and snippet into PostgreSQL's full-text search", () => {
    const t = translate(
      "SELECT snippet(items_fts, 1, char(2), char(3), '…', 24), bm25(items_fts, 5.0, 1.0) FROM items_fts WHERE items_fts MATCH @match",
    );
    expect(t.text).toContain("items_fts.document @@ to_tsquery('english', $1)");
    expect(t.text).toContain("ts_headline('english', coalesce(items_fts.body, ''), to_tsquery");
    expect(t.text).toContain("-ts_rank(");
    expect(t.text).not.toMatch(/\bMATCH\b|bm25|snippet/);
    expect(t.fullTextParams).toEqual([1]);
  });

  it("turns the FTS5 queries Copse writes into tsquery text", () => {
    expect(ftsToTsquery('"plan"* "budget"*')).toBe("'plan':* & 'budget':*");
    expect(ftsToTsquery('"plan" OR "budget"')).toBe("'plan' | 'budget'");
    expect(ftsToTsquery('{title} : ("road"* "safety"*)')).toBe("'road':*A & 'safety':*A");
    expect(ftsToTsquery('"e mail"*')).toBe("('e' <-> 'mail':*)");
    expect(ftsToTsquery("")).toBe("''");
  });
});

describe("translating Drizzle's SQLite upserts and SQLite's hints", () => {
  it("names conflict columns bare and drops INDEXED BY", () => {
    expect(
      translate(
        'insert into "t" ("a", "b") values (?, ?) on conflict ("t"."a", "t"."b") do update set "b" = ?',
      ).text,
    ).toBe(
      'insert into "t" ("a", "b") values ($1, $2) on conflict ("a", "b") do update set "b" = $3',
    );
    expect(translate("SELECT 1 FROM items i INDEXED BY items_idx JOIN x").text).toBe(
      "SELECT 1 FROM items i JOIN x",
    );
  });
});

describe("translating SQLite's IS", () => {
  it("compares any two values with DISTINCT FROM, and leaves IS NULL alone", () => {
    expect(
      translate("SELECT 1 WHERE a IS NOT c.b AND d IS ? AND e IS NOT NULL AND f IS NULL").text,
    ).toBe(
      "SELECT 1 WHERE a IS DISTINCT FROM c.b AND d IS NOT DISTINCT FROM $1 AND e IS NOT NULL AND f IS NULL",
    );
  });
});

describe("translating SQLite's planner hints and boolean sums", () => {
  it("drops unary plus and CROSS before a JOIN with ON, and sums conditions as integers", () => {
    expect(translate("SELECT a FROM t WHERE +t.kind = 'x' AND b = c + 1").text).toBe(
      "SELECT a FROM t WHERE t.kind = 'x' AND b = c + 1",
    );
    expect(translate("SELECT 1 FROM a CROSS JOIN b ON b.id = a.id CROSS JOIN c").text).toBe(
      "SELECT 1 FROM a JOIN b ON b.id = a.id CROSS JOIN c",
    );
    expect(translate("SELECT sum(a.x >= ?), sum(a.n) FROM a").text).toBe(
      "SELECT sum((a.x >= $1)::int), sum(a.n) FROM a",
    );
  });
});
