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

  it("names an upsert's conflict target by its columns alone, leaving the rest qualified", () => {
    const t = translate(
      'insert into "leases" ("name", "holder") values (?, ?) on conflict ("leases"."name", "leases"."holder") do update set "holder" = ? where ("leases"."holder" = ?)',
    );
    expect(t.text).toBe(
      'insert into "leases" ("name", "holder") values ($1, $2) on conflict ("name", "holder") do update set "holder" = $3 where ("leases"."holder" = $4)',
    );
  });

  it("makes SQLite's null-safe IS and IS NOT between two values PostgreSQL's DISTINCT FROM", () => {
    expect(
      translate("SELECT 1 FROM t WHERE a IS NOT b AND c IS ? AND d IS NOT NULL AND e IS TRUE").text,
    ).toBe(
      "SELECT 1 FROM t WHERE a IS DISTINCT FROM b AND c IS NOT DISTINCT FROM $1 AND d IS NOT NULL AND e IS TRUE",
    );
  });

  it("drops SQLite's index hints", () => {
    expect(
      translate("SELECT count(*) FROM items i INDEXED BY items_idx JOIN g ON g.id = i.id").text,
    ).toBe("SELECT count(*) FROM items i JOIN g ON g.id = i.id");
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
    // Each list is typed by its own parameter, a named one used twice by its first number.
    const two = translate(
      "SELECT * FROM t WHERE kind = @kind AND id IN (SELECT value FROM json_each(@ids)) AND total(n) > ? AND name IN (SELECT value FROM json_each(@names)) AND parent IN (SELECT value FROM json_each(@ids))",
    );
    expect(two.params).toEqual([
      { name: "kind" },
      { name: "ids" },
      { index: 0 },
      { name: "names" },
    ]);
    const cast = castJsonLists(two.text, ["topic", "[1,2]", 3, '["a"]']);
    expect(cast).toContain("coalesce(sum(n), 0) > $3");
    expect(
      cast.match(/SELECT e::bigint FROM jsonb_array_elements_text\(\(\$2\)::jsonb\)/g),
    ).toHaveLength(2);
    expect(cast).toContain("SELECT e FROM jsonb_array_elements_text(($4)::jsonb)");
  });

  it("rewrites FTS5 MATCH, bm25 and snippet into PostgreSQL's full-text search", () => {
    const t = translate(
      "SELECT snippet(items_fts, 1, char(2), char(3), '…', 24), bm25(items_fts, 5.0, 1.0) FROM items_fts WHERE items_fts MATCH @match",
    );
    expect(t.text).toContain("items_fts.document @@ to_tsquery('english', $1)");
    expect(t.text).toContain(
      "ts_headline('english', replace(coalesce(items_fts.body, ''), '<', chr(1)), to_tsquery",
    );
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

describe("FTS5 column filters on PostgreSQL", () => {
  it("become the weights the columns have in the full-text document", () => {
    expect(ftsToTsquery('{name handle} : ("plan"*)')).toBe("'plan':*A");
    expect(ftsToTsquery('{organisation} : ("somerset")')).toBe("'somerset':C");
    expect(ftsToTsquery('{name handle summary job_title organisation} : ("x"*)')).toBe("'x':*");
    expect(ftsToTsquery("compost")).toBe("'compost'");
  });
});

describe("translating aggregates of comparisons", () => {
  it("casts a comparison to a number inside sum, max and min", () => {
    expect(
      translate("SELECT MAX(a.x IS NOT NULL) AS s, sum(section = ?) AS n FROM t GROUP BY 1").text,
    ).toBe(
      "SELECT MAX((a.x IS NOT NULL)::int) AS s, sum((section = $1)::int) AS n FROM t GROUP BY 1",
    );
    expect(translate("SELECT coalesce(sum(a >= b AND coalesce(c, 1)), 0) FROM t").text).toBe(
      "SELECT coalesce(sum((a >= b AND coalesce(c, 1))::int), 0) FROM t",
    );
  });

  it("leaves aggregates of numbers, CASE and two-argument max alone", () => {
    expect(
      translate("SELECT sum(n), max(CASE WHEN a = 1 THEN 1 ELSE 0 END), max(a, b = c) FROM t").text,
    ).toBe("SELECT sum(n), max(CASE WHEN a = 1 THEN 1 ELSE 0 END), greatest(a, b = c) FROM t");
  });
});

describe("translating SQLite's unary plus", () => {
  it("drops a unary plus before a column, and keeps every addition", () => {
    expect(
      translate("SELECT a + b, c+d FROM t WHERE +t.kind = 'x' AND +g.id IN (1) AND (+x) = 1 + y")
        .text,
    ).toBe("SELECT a + b, c+d FROM t WHERE t.kind = 'x' AND g.id IN (1) AND (x) = 1 + y");
  });
});
