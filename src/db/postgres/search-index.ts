import type pg from "pg";

/**
 * PostgreSQL's counterpart of the FTS5 tables that src/db/search-index.ts makes on SQLite:
 * `items_fts` and `actors_fts` keep the FTS5 tables' names and columns (with `rowid` the id of
 * the item or actor), so that queries such as `SELECT rowid, title, body FROM items_fts WHERE
 * rowid IN (...)` run unchanged, plus a `document` tsvector (generated from the text columns,
 * 'english' configuration, GIN-indexed) for matching and ranking. Triggers keep them in step with
 * `items` and `actors`, as the SQLite triggers do, through `copse_text`, which is htmlToText in
 * SQL. Every statement is idempotent; the caller holds the migration lock (migrate.ts).
 *
 * The `document` weights follow the bm25 column weights of src/domain/search*.ts as far as four
 * weights allow, and give each column that a query filters on alone a weight of its own
 * (src/db/postgres/full-text.ts turns FTS5's column filters into weights): items' title A, body
 * B; actors' name and handle A, job title B, organisation C, summary D.
 */

/** A PostgreSQL identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

// htmlToText: tags become spaces; the same entities are decoded in one pass (&amp; last, so
// that "&amp;lt;" becomes "&lt;" and not "<"); the snippet marks \u0002 and \u0003 are dropped;
// whitespace (JavaScript's \s, Unicode spaces included, spelled out so that no locale changes
// it) collapses to one space; the ends are trimmed.
const JS_WHITESPACE = String.raw`[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+`;

function textFunction(s: string): string {
  return `
CREATE OR REPLACE FUNCTION ${s}.copse_text(html text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT btrim(regexp_replace(
    translate(
      replace(replace(replace(replace(replace(replace(replace(
        regexp_replace(coalesce(html, ''), '<[^>]*>', ' ', 'g'),
        '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&apos;', ''''), '&nbsp;', ' '),
        '&#39;', ''''), '&amp;', '&'),
      chr(2) || chr(3), ''),
    '${JS_WHITESPACE}', ' ', 'g'), ' ')
$fn$;`;
}

interface FtsColumn {
  /** The FTS table's column. */
  name: string;
  /** The source table's column it comes from. */
  from: string;
  /** Whether it holds HTML, indexed as its text (copse_text). */
  html?: boolean;
  /** Its weight in `document`. */
  weight: "A" | "B" | "C" | "D";
}

interface FtsTable {
  /** The full-text table's name (the FTS5 table's), `<source>_fts` when not given. */
  name?: string;
  /** The table it indexes. */
  source: string;
  columns: FtsColumn[];
}

const FTS_TABLES: FtsTable[] = [
  {
    source: "items",
    columns: [
      { name: "title", from: "title", weight: "A" },
      { name: "body", from: "body_html", html: true, weight: "B" },
    ],
  },
  // Titles alone, for search's "words in the title first" (src/domain/search-rank.ts).
  {
    name: "items_title_fts",
    source: "items",
    columns: [{ name: "title", from: "title", weight: "A" }],
  },
  {
    source: "actors",
    columns: [
      // Each column a filter names alone has a weight of its own (PostgreSQL has four), so
      // "{organisation} : ..." matches organisations only; name and handle are filtered
      // together, and weigh most.
      { name: "name", from: "name", weight: "A" },
      { name: "handle", from: "handle", weight: "A" },
      { name: "summary", from: "summary", html: true, weight: "D" },
      { name: "job_title", from: "job_title", weight: "B" },
      { name: "organisation", from: "organisation", weight: "C" },
    ],
  },
];

/** The indexed values of row `row` of the source table, in the FTS columns' order. */
function values(s: string, t: FtsTable, row: string): string {
  return t.columns
    .map((c) => (c.html ? `${s}.copse_text(${row}.${c.from})` : `${row}.${c.from}`))
    .join(", ");
}

/** The DDL for one FTS table in schema `s` (quoted), its trigger function and its trigger. */
/** The unqualified name of a full-text table. */
function nameOf(t: FtsTable): string {
  return t.name ?? `${t.source}_fts`;
}

function ftsSql(s: string, t: FtsTable): string {
  const name = nameOf(t);
  const fts = `${s}.${name}`;
  const names = t.columns.map((c) => c.name);
  // Nullable, as FTS5's columns are, so that indexing never refuses a row of the source table.
  const document = t.columns
    .map(
      (c) => `setweight(to_tsvector('english'::regconfig, coalesce(${c.name}, '')), '${c.weight}')`,
    )
    .join(" || ");
  const updateColumns = ["id", ...t.columns.map((c) => c.from)];
  return `
CREATE TABLE IF NOT EXISTS ${fts} (
  rowid bigint PRIMARY KEY,
  ${names.map((n) => `${n} text`).join(",\n  ")},
  document tsvector GENERATED ALWAYS AS (${document}) STORED
);
CREATE INDEX IF NOT EXISTS ${name}_document_idx ON ${fts} USING gin (document);
CREATE OR REPLACE FUNCTION ${s}.${name}_sync() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD.id <> NEW.id) THEN
    DELETE FROM ${fts} WHERE rowid = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO ${fts} (rowid, ${names.join(", ")}) VALUES (NEW.id, ${values(s, t, "NEW")})
    ON CONFLICT (rowid) DO UPDATE SET ${names.map((n) => `${n} = EXCLUDED.${n}`).join(", ")};
  END IF;
  RETURN NULL;
END
$fn$;
DO $do$
BEGIN
  -- Created only when missing: replacing a trigger would lock the table against every reader.
  IF NOT EXISTS (SELECT 1 FROM pg_trigger
      WHERE tgrelid = '${s.replaceAll("'", "''")}.${t.source}'::regclass AND tgname = '${name}_sync') THEN
    CREATE TRIGGER ${name}_sync
    AFTER INSERT OR DELETE OR UPDATE OF ${updateColumns.join(", ")} ON ${s}.${t.source}
    FOR EACH ROW EXECUTE FUNCTION ${s}.${name}_sync();
  END IF;
END
$do$;`;
}

/** The statement that indexes the rows written before the FTS table existed. */
function fillSql(s: string, t: FtsTable): string {
  const names = t.columns.map((c) => c.name).join(", ");
  return `INSERT INTO ${s}.${nameOf(t)} (rowid, ${names})
    SELECT r.id, ${values(s, t, "r")} FROM ${s}.${t.source} r ON CONFLICT (rowid) DO NOTHING`;
}

/**
 * Creates the full-text tables, `copse_text` and the triggers in `schema` if missing, and fills
 * a table made just now from the rows already there (a database that had none).
 */
export async function ensurePostgresSearchIndex(
  client: pg.ClientBase,
  schema: string,
): Promise<void> {
  const s = quoteIdent(schema);
  await client.query(textFunction(s));
  for (const table of FTS_TABLES) {
    const { rows } = await client.query<{ exists: boolean }>(
      "SELECT to_regclass($1) IS NOT NULL AS exists",
      [`${s}.${nameOf(table)}`],
    );
    await client.query(ftsSql(s, table));
    if (!rows[0]?.exists) await client.query(fillSql(s, table));
  }
}
