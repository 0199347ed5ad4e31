import { type Token, tokenize } from "./tokens.ts";

// Full-text search on PostgreSQL, for the code that searches with SQLite's FTS5. The FTS5
// tables `items_fts` and `actors_fts` exist on PostgreSQL as ordinary tables with the same
// columns and a weighted `document` tsvector (titles and names weigh most), kept by triggers
// (src/db/postgres/migrate.ts). Statements are rewritten here:
//
// - `items_fts MATCH @q` becomes `items_fts.document @@ to_tsquery('english', @q)`, and the
//   value bound to @q, an FTS5 query as src/domain/search.ts's ftsQuery writes it, becomes the
//   same query in tsquery syntax (ftsToTsquery);
// - `bm25(items_fts, ...)` becomes the negated ts_rank of that query (bm25 is lower-is-better);
// - `snippet(items_fts, column, char(2), char(3), '…', n)` becomes ts_headline over that column
//   with the same marks, keeping text that looks like HTML tags as FTS5 does.

/** The columns of each full-text table, in FTS5's order (snippet's column numbers). */
const COLUMNS: Record<string, string[]> = {
  items_fts: ["title", "body"],
  items_title_fts: ["title"],
  actors_fts: ["name", "handle", "summary", "job_title", "organisation"],
};

/**
 * ts_rank's weights for D, C, B and A per table, after the code's bm25 weights: a title five
 * times a body; a name or handle about three times a job title or organisation, ten times a
 * summary.
 */
const RANK_WEIGHTS: Record<string, string> = {
  items_fts: "'{0.1, 0.2, 0.2, 1.0}'",
  items_title_fts: "'{0.1, 0.2, 0.4, 1.0}'",
  actors_fts: "'{0.1, 0.3, 0.3, 1.0}'",
};

/** The weight each full-text column has in its table's `document` (search-index.ts). */
const COLUMN_WEIGHTS: Record<string, string> = {
  title: "A",
  body: "B",
  name: "A",
  handle: "A",
  job_title: "B",
  organisation: "C",
  summary: "D",
};

/** Tokens of a fixed piece of SQL, so later passes see its parentheses like any others. */
const raw = (text: string): Token[] => tokenize(text);

function solid(tokens: Token[], from: number, step: 1 | -1): number {
  let i = from;
  while (i >= 0 && i < tokens.length && tokens[i]?.kind === "space") i += step;
  return i;
}

function closingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === "punct" && t.text === "(") depth++;
    if (t.kind === "punct" && t.text === ")" && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** Top-level arguments of a call whose parenthesis opens at `open`, as token runs. */
function argumentsOf(tokens: Token[], open: number, close: number): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i] as Token;
    if (t.kind === "punct" && t.text === "(") depth++;
    if (t.kind === "punct" && t.text === ")") depth--;
    if (depth === 0 && t.kind === "punct" && t.text === ",") args.push([]);
    else args.at(-1)?.push(t);
  }
  return args.map((a) => a.filter((t) => t.kind !== "space"));
}

/**
 * Rewrites FTS5's MATCH, bm25() and snippet() into PostgreSQL's full-text search, marking the
 * parameters that carry FTS5 queries. bm25() and snippet() repeat the query's parameter, so
 * they need it named (`@match`); a positional one serves MATCH alone.
 */
export function rewriteFullText(tokens: Token[]): Token[] {
  if (!tokens.some((t) => t.kind === "word" && t.text.toLowerCase() === "match")) {
    return tokens;
  }
  // Which parameter each table is matched against in this statement.
  const matched = new Map<string, Token>();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.kind !== "word" || tokens[i]?.text.toLowerCase() !== "match") continue;
    const table = tokens[solid(tokens, i - 1, -1)];
    const param = tokens[solid(tokens, i + 1, 1)];
    if (table && param?.kind === "param" && COLUMNS[table.text]) {
      // Marked, so the value bound to it is turned into tsquery syntax (translate.ts).
      param.fullText = true;
      matched.set(table.text, param);
    }
  }
  const query = (table: string): Token[] => [
    ...raw("to_tsquery('english', "),
    matched.get(table) as Token,
    ...raw(")"),
  ];
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const lower = t.kind === "word" ? t.text.toLowerCase() : "";
    if (t.kind === "word" && COLUMNS[t.text] && matched.has(t.text)) {
      const next = solid(tokens, i + 1, 1);
      if (tokens[next]?.text.toLowerCase() === "match") {
        out.push(...raw(`${t.text}.document @@ `), ...query(t.text));
        i = solid(tokens, next + 1, 1);
        continue;
      }
    }
    const open = solid(tokens, i + 1, 1);
    if ((lower === "bm25" || lower === "snippet") && tokens[open]?.text === "(") {
      const close = closingParen(tokens, open);
      const args = argumentsOf(tokens, open, close);
      const table = args[0]?.[0]?.text ?? "";
      if (!matched.has(table)) {
        out.push(t);
        continue;
      }
      if (lower === "bm25") {
        out.push(
          ...raw(`(-ts_rank(${RANK_WEIGHTS[table]}, ${table}.document, `),
          ...query(table),
          ...raw("))"),
        );
      } else {
        const column = Number(args[1]?.map((a) => a.text).join("") ?? "-1");
        const columns = COLUMNS[table] as string[];
        const source =
          column >= 0 && column < columns.length
            ? `${table}.${columns[column]}`
            : `concat_ws(' ', ${columns.map((c) => `${table}.${c}`).join(", ")})`;
        const words = Number(args[5]?.[0]?.text ?? "16");
        const options = `'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=${words}, MinWords=${Math.max(3, Math.floor(words / 2))}, ShortWord=2'`;
        // ts_headline takes anything shaped like an HTML tag for markup and drops it, where FTS5
        // keeps the text as it is (the caller escapes it): a `<` is hidden from it as chr(1).
        out.push(
          ...raw(`replace(ts_headline('english', replace(coalesce(${source}, ''), '<', chr(1)), `),
          ...query(table),
        );
        out.push(...raw(`, ${options}), chr(1), '<')`));
      }
      i = close;
      continue;
    }
    out.push(t);
  }
  return out;
}

/** A quoted FTS5 term (with `*` for a prefix), or a bare word. */
const FTS5_TERM = /"((?:[^"]|"")*)"(\*)?|([\p{L}\p{N}]+)(\*)?/gu;

/**
 * Turns an FTS5 query made by src/domain/search.ts's ftsQuery (quoted terms, a `*` for a
 * prefix, ANDed by spaces or joined with OR, optionally inside `{title} : (...)`) into
 * PostgreSQL's tsquery syntax. Titles only is weight A, which the triggers give titles.
 */
export function ftsToTsquery(value: unknown): unknown {
  if (typeof value !== "string") return value;
  let text = value.trim();
  let weight = "";
  // A column filter, `{title} : (...)`, is a weight restriction: the columns' weights.
  const filter = /^\{([\w\s]+)\}\s*:\s*\(([\s\S]*)\)$/.exec(text);
  if (filter) {
    text = filter[2] as string;
    const weights = new Set((filter[1] as string).split(/\s+/).map((c) => COLUMN_WEIGHTS[c] ?? ""));
    weight = [...weights].sort().join("");
    if (weight.length >= 4) weight = "";
  }
  const any = /"\s+OR\s+"/.test(text);
  const terms: string[] = [];
  for (const m of text.matchAll(FTS5_TERM)) {
    if (m[3] !== undefined && /^(OR|AND|NOT|NEAR)$/.test(m[3])) continue;
    const prefix = m[2] ?? m[4];
    const words = (m[1] ?? m[3] ?? "")
      .replaceAll('""', '"')
      .split(/\s+/)
      .filter((w) => w.length > 0);
    if (words.length === 0) continue;
    const lexemes = words.map((w, index) => {
      const last = index === words.length - 1;
      const marks = `${last && prefix ? "*" : ""}${weight}`;
      return `'${w.replaceAll("'", "''").replaceAll("\\", "\\\\")}'${marks ? `:${marks}` : ""}`;
    });
    terms.push(lexemes.length > 1 ? `(${lexemes.join(" <-> ")})` : (lexemes[0] as string));
  }
  // A query with no terms matches nothing, as FTS5's would.
  return terms.length > 0 ? terms.join(any ? " | " : " & ") : "''";
}
