import { rewriteFullText } from "./full-text.ts";
import { type Token, tokenize } from "./tokens.ts";

// Turns the SQL that Copse's code and Drizzle's SQLite dialect write into SQL PostgreSQL runs.
// The domain code is written once, against SQLite's dialect; on PostgreSQL every statement
// passes through here (once per distinct text: the result is cached by the caller). The
// differences handled are the ones the code base uses, each small and local:
//
// - parameters: `?`, `?NNN`, `@name`, `:name` and `$name` become `$1`, `$2`, ...;
// - `LIKE` is case-insensitive for ASCII in SQLite, so it becomes `ILIKE`;
// - `instr(a, b)` is `strpos(a, b)`; `char(n)` is `chr(n)`; `total(x)` is `coalesce(sum(x), 0)`;
// - the two-argument scalar `max(a, b)` and `min(a, b)` are `greatest` and `least`;
// - `unixepoch('subsec')` and `unixepoch()` read the clock as PostgreSQL does;
// - `x IN (SELECT value FROM json_each(?))`, a list passed as one JSON parameter, reads the
//   array with `jsonb_array_elements_text`, cast to a number when the list holds numbers;
// - a bare `null` in an INSERT's VALUES (what Drizzle writes for a column it has no value for)
//   becomes `DEFAULT`, so identity columns and column defaults apply as SQLite's do;
// - `LIMIT -1` (no limit, with an offset) is `LIMIT ALL`; `CAST(x AS REAL)` is double precision;
// - `alias.rowid` of an ordinary table is its `ctid` (see below);
// - `COLLATE NOCASE` orders by `lower(...)` of the term before it.
// - FTS5's MATCH, bm25() and snippet() become PostgreSQL's full-text search (full-text.ts).
// Anything else is passed through unchanged, so a construct PostgreSQL does not know fails
// loudly with PostgreSQL's own message rather than quietly doing something else.

/** Marks where a JSON list's element cast goes (a comment, so it is never in real SQL). */
const jsonCastMark = (n: number) => `/*json-cast:${n}*/`;

/**
 * Puts each JSON list's element cast into a translated statement: numbers when the list bound
 * to it holds whole numbers (or nothing), text otherwise.
 */
export function castJsonLists(text: string, values: unknown[]): string {
  return text.replace(/\/\*json-cast:(\d+)\*\//g, (_m, n: string) => {
    const value = values[Number(n) - 1];
    let list: unknown;
    try {
      list = typeof value === "string" ? JSON.parse(value) : value;
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list)) return "";
    if (list.every((x) => typeof x === "number" && Number.isInteger(x))) return "::bigint";
    if (list.every((x) => typeof x === "number")) return "::double precision";
    return "";
  });
}

/** Where a parameter's value comes from: a position among the arguments, or a name. */
export type ParamSource = { index: number } | { name: string };

/** A statement ready for PostgreSQL, and how to order the caller's arguments for it. */
export interface Translated {
  text: string;
  params: ParamSource[];
  /** Whether the text holds JSON-list casts to fill in at run time (castJsonLists). */
  hasJsonLists: boolean;
  /** Parameter numbers (1-based) whose values are FTS5 queries, to bind as tsquery text. */
  fullTextParams: number[];
}

const lower = (t: Token | undefined) => (t?.kind === "word" ? t.text.toLowerCase() : undefined);

/** The index of the token closing the parenthesis opened at `open`. */
function closing(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== "punct") continue;
    if (t.text === "(") depth++;
    else if (t.text === ")" && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** Counts the top-level commas between an opening parenthesis and its closing one. */
function argumentCount(tokens: Token[], open: number, close: number): number {
  let depth = 0;
  let commas = 0;
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== "punct") continue;
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    else if (t.text === "," && depth === 0) commas++;
  }
  return commas + 1;
}

function nextSolid(tokens: Token[], from: number): number {
  let i = from;
  while (i < tokens.length && tokens[i]?.kind === "space") i++;
  return i;
}

/** Rewrites SQLite-dialect SQL for PostgreSQL (see the list at the top of this file). */
export function translate(sql: string): Translated {
  const rewritten = rewriteFullText(tokenize(sql));
  const tokens = unqualifyConflictTargets(
    dropIndexHints(quoteMixedCaseAliases(aliasSubqueries(rewritten.tokens))),
  );
  const { queryParams } = rewritten;
  const params: ParamSource[] = [];
  let hasJsonLists = false;
  const out: string[] = [];
  let positional = 0;
  const isInsert = lower(tokens[nextSolid(tokens, 0)]) === "insert";
  // Inside an INSERT's VALUES list (depth counted from its first parenthesis), a bare null is
  // Drizzle's "no value": PostgreSQL's DEFAULT says the same.
  let inValues = false;
  let valuesDepth = 0;
  const named = new Map<string, number>();

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const word = lower(t);
    if (t.kind === "param") {
      let source: ParamSource;
      if (t.text === "?") source = { index: positional++ };
      else if (t.text.startsWith("?")) source = { index: Number(t.text.slice(1)) - 1 };
      else source = { name: t.text.slice(1) };
      if ("name" in source && named.has(source.name)) {
        out.push(`$${named.get(source.name)}`);
        continue;
      }
      params.push(source);
      if ("name" in source) named.set(source.name, params.length);
      out.push(`$${params.length}`);
      continue;
    }
    if (isInsert) {
      if (word === "values" && !inValues) {
        inValues = true;
        valuesDepth = 0;
      } else if (inValues && t.kind === "punct") {
        if (t.text === "(") valuesDepth++;
        else if (t.text === ")") valuesDepth--;
      } else if (inValues && valuesDepth === 0 && (word === "on" || word === "returning")) {
        inValues = false;
      } else if (inValues && valuesDepth === 1 && word === "null") {
        out.push("DEFAULT");
        continue;
      }
    }
    const after = nextSolid(tokens, i + 1);
    const opens = tokens[after]?.text === "(";
    if (t.text === "+" && isUnaryPosition(tokens, i)) {
      // SQLite's unary plus keeps a column from using its index (a planner hint); PostgreSQL
      // takes no hints, and has no unary plus for text.
      continue;
    }
    if (word === "cross" && lower(tokens[after]) === "join" && joinHasOn(tokens, after)) {
      // SQLite allows ON after CROSS JOIN (the CROSS fixes the join order); PostgreSQL does not.
      i = after - 1;
      continue;
    }
    if (word === "sum" && opens) {
      const close = closing(tokens, after);
      if (isCondition(tokens.slice(after + 1, close))) {
        // SQLite sums comparisons as 0 and 1; PostgreSQL's booleans need a cast (null stays null).
        const inner = translateSlice(tokens.slice(after + 1, close), params, named, positional);
        positional = inner.positional;
        out.push(`sum((${inner.text})::int)`);
        i = close;
        continue;
      }
    }
    if (word === "is") {
      // SQLite's `a IS b` and `a IS NOT b` compare any two values, nulls included; PostgreSQL
      // says so with DISTINCT FROM (its IS takes only NULL, TRUE, FALSE and friends).
      const negated = lower(tokens[after]) === "not";
      const operand = negated ? nextSolid(tokens, after + 1) : after;
      const keyword = lower(tokens[operand]);
      if (
        !["null", "true", "false", "unknown", "distinct", "not", "json"].includes(keyword ?? "")
      ) {
        out.push(negated ? "IS DISTINCT FROM " : "IS NOT DISTINCT FROM ");
        i = operand - 1;
        continue;
      }
    }
    if (word === "like") {
      out.push("ILIKE");
      continue;
    }
    if (
      word === "rowid" &&
      tokens[i - 1]?.text === "." &&
      !/_fts$/.test(tokens[i - 2]?.text ?? "")
    ) {
      // An ordinary table's rowid, used for the order rows were added in. PostgreSQL's nearest
      // is the row's place in the table, which follows that order for rows never updated
      // (the only ones ordered so: an item's communities).
      out.push("ctid");
      continue;
    }
    if (word === "collate" && lower(tokens[after]) === "nocase") {
      wrapLastTermInLower(out);
      i = after;
      continue;
    }
    if (word === "limit" && tokens[after]?.text === "-" && tokens[after + 1]?.text === "1") {
      out.push("LIMIT ALL");
      i = after + 1;
      continue;
    }
    if (word === "as" && lower(tokens[after]) === "real") {
      out.push("AS double precision");
      i = after;
      continue;
    }
    if (opens && word !== undefined) {
      const close = closing(tokens, after);
      if (word === "instr") {
        out.push("strpos");
        continue;
      }
      if (word === "char") {
        out.push("chr");
        continue;
      }
      if ((word === "max" || word === "min") && argumentCount(tokens, after, close) > 1) {
        out.push(word === "max" ? "greatest" : "least");
        continue;
      }
      if (word === "total") {
        const inner = translateSlice(tokens.slice(after + 1, close), params, named, positional);
        positional = inner.positional;
        out.push(`coalesce(sum(${inner.text}), 0)`);
        i = close;
        continue;
      }
      if (word === "unixepoch") {
        const subsec = tokens.slice(after, close).some((x) => x.text === "'subsec'");
        out.push(
          subsec
            ? "(extract(epoch from clock_timestamp()))::double precision"
            : "floor(extract(epoch from clock_timestamp()))::bigint",
        );
        i = close;
        continue;
      }
      if (word === "json_each") {
        // `json_each(?)` yields a column `value`: the array's elements, as text or numbers.
        const inner = translateSlice(tokens.slice(after + 1, close), params, named, positional);
        positional = inner.positional;
        hasJsonLists = true;
        // The element type is only known from the value bound at run time: the marker is
        // replaced then (see castJsonLists), since comparing a number column with text fails.
        out.push(
          `(SELECT e${jsonCastMark(params.length)} FROM jsonb_array_elements_text((${inner.text})::jsonb) AS e) AS json_each(value)`,
        );
        i = close;
        continue;
      }
    }
    out.push(t.text);
  }
  const fullTextParams = [...queryParams].map((name) => named.get(name) as number);
  return { text: out.join(""), params, hasJsonLists, fullTextParams };
}

/**
 * Quotes aliases written in mixed case (`AS publishedAt`; an all-capitals word after AS is a
 * type, as in `CAST(x AS REAL)`) wherever they appear: SQLite keeps
 * an alias's case, PostgreSQL folds an unquoted one to lower case, and the code reads the
 * columns by the names it wrote.
 */
function quoteMixedCaseAliases(tokens: Token[]): Token[] {
  const aliases = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    if (lower(tokens[i]) !== "as") continue;
    const next = tokens[nextSolid(tokens, i + 1)];
    if (next?.kind === "word" && /[a-z]/.test(next.text) && /[A-Z]/.test(next.text)) {
      aliases.add(next.text);
    }
  }
  if (aliases.size === 0) return tokens;
  return tokens.map((t) =>
    t.kind === "word" && aliases.has(t.text) ? { kind: "ident", text: `"${t.text}"` } : t,
  );
}

/** Words after which a `+` starts an operand rather than adding two. */
const BEFORE_OPERAND = new Set([
  "where",
  "and",
  "or",
  "not",
  "on",
  "when",
  "then",
  "else",
  "select",
  "by",
  "having",
]);

function isUnaryPosition(tokens: Token[], i: number): boolean {
  let before = i - 1;
  while (before >= 0 && tokens[before]?.kind === "space") before--;
  const previous = tokens[before];
  if (!previous) return true;
  if (previous.kind === "word") return BEFORE_OPERAND.has(previous.text.toLowerCase());
  return previous.kind === "punct" && previous.text !== ")";
}

/** Whether the JOIN at `join` has an ON before the next join or clause. */
function joinHasOn(tokens: Token[], join: number): boolean {
  let depth = 0;
  for (let i = join + 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.text === "(") depth++;
    else if (t.text === ")") {
      if (depth-- === 0) return false;
    } else if (depth === 0 && t.kind === "word") {
      const w = t.text.toLowerCase();
      if (w === "on") return true;
      if (
        ["join", "where", "group", "order", "limit", "union", "cross", "left", "inner"].includes(w)
      ) {
        return false;
      }
    }
  }
  return false;
}

/** Operators that make an expression a condition (a boolean on PostgreSQL). */
const CONDITION_WORDS = new Set([
  "and",
  "or",
  "not",
  "is",
  "in",
  "like",
  "between",
  "exists",
  "glob",
]);
const CONDITION_PUNCT = new Set(["=", "<", ">", "<=", ">=", "!=", "<>"]);

/** Whether a run of tokens is, at its top level, a condition rather than a number. */
function isCondition(tokens: Token[]): boolean {
  let depth = 0;
  for (const t of tokens) {
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    else if (depth === 0 && t.kind === "punct" && CONDITION_PUNCT.has(t.text)) return true;
    else if (depth === 0 && t.kind === "word" && CONDITION_WORDS.has(t.text.toLowerCase())) {
      return true;
    }
  }
  return false;
}

/** Drops SQLite's `INDEXED BY name` hints; PostgreSQL's planner takes no hints. */
function dropIndexHints(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (lower(tokens[i]) === "indexed" && lower(tokens[nextSolid(tokens, i + 1)]) === "by") {
      i = nextSolid(tokens, nextSolid(tokens, i + 1) + 1);
      if (tokens[i + 1]?.kind === "space") i++;
      continue;
    }
    out.push(tokens[i] as Token);
  }
  return out;
}

/**
 * Drizzle's SQLite dialect names an upsert's conflict columns with their table
 * (`on conflict ("t"."a")`), which PostgreSQL refuses: there they are bare column names.
 */
function unqualifyConflictTargets(tokens: Token[]): Token[] {
  const out = [...tokens];
  for (let i = 0; i < out.length; i++) {
    if (lower(out[i]) !== "conflict" || lower(out[i - 2]) !== "on") continue;
    const open = nextSolid(out, i + 1);
    if (out[open]?.text !== "(") continue;
    const close = closing(out, open);
    for (let j = close - 2; j > open; j--) {
      if (out[j + 1]?.text === "." && (out[j]?.kind === "ident" || out[j]?.kind === "word")) {
        out.splice(j, 2);
      }
    }
  }
  return out;
}

/** Words after a subquery in FROM that show it has no alias of its own. */
const NOT_AN_ALIAS = new Set([
  "where",
  "order",
  "group",
  "limit",
  "offset",
  "join",
  "left",
  "inner",
  "cross",
  "on",
  "union",
  "having",
  "window",
  "natural",
  "full",
  "right",
  "except",
  "intersect",
]);

/**
 * Names every unnamed subquery in a FROM or JOIN: SQLite allows them, PostgreSQL before 16
 * does not.
 */
function aliasSubqueries(tokens: Token[]): Token[] {
  const out = [...tokens];
  let made = 0;
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]?.text !== "(") continue;
    let before = i - 1;
    while (before >= 0 && out[before]?.kind === "space") before--;
    if (!["from", "join"].includes(lower(out[before]) ?? "")) continue;
    const first = lower(out[nextSolid(out, i + 1)]);
    if (first !== "select" && first !== "with") continue;
    const close = closing(out, i);
    const next = out[nextSolid(out, close + 1)];
    const named =
      next !== undefined &&
      (next.kind === "ident" ||
        (next.kind === "word" && !NOT_AN_ALIAS.has(next.text.toLowerCase())));
    if (!named) out.splice(close + 1, 0, { kind: "punct", text: ` AS copse_subquery_${++made}` });
  }
  return out;
}

/** Translates a run of tokens that is part of a larger statement, sharing its parameters. */
function translateSlice(
  tokens: Token[],
  params: ParamSource[],
  named: Map<string, number>,
  positional: number,
): { text: string; positional: number } {
  const inner = translate(tokens.map((t) => t.text).join(""));
  let next = positional;
  const renumbered = inner.text.replace(/\$(\d+)/g, (_m, n: string) => {
    const source = inner.params[Number(n) - 1] as ParamSource;
    if ("name" in source) {
      const known = named.get(source.name);
      if (known !== undefined) return `$${known}`;
      params.push(source);
      named.set(source.name, params.length);
      return `$${params.length}`;
    }
    params.push({ index: next++ });
    return `$${params.length}`;
  });
  return { text: renumbered, positional: next };
}

/** Replaces the last term written (an identifier, possibly qualified) with `lower(term)`. */
function wrapLastTermInLower(out: string[]): void {
  let end = out.length - 1;
  while (end >= 0 && out[end] === " ") end--;
  let start = end;
  while (start > 1 && out[start - 1] === ".") start -= 2;
  const term = out.slice(start, end + 1).join("");
  out.splice(start, out.length - start, `lower(${term})`);
}
