import { rewriteFullText } from "./full-text.ts";
import {
  aliasSubqueries,
  dropIndexHints,
  isCondition,
  isUnaryPosition,
  joinHasOn,
  quoteMixedCaseAliases,
  unqualifyConflictTargets,
} from "./rewrites.ts";
import { argumentCount, closing, lower, nextSolid, type Token, tokenize } from "./tokens.ts";

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
// - SQLite's unary `+` before a column (`WHERE +t.kind = ...`, which keeps its planner off an
//   index) is dropped: PostgreSQL has no unary plus for text, and its planner takes no hints.
// - `sum`, `max` or `min` of a comparison (`sum(x = 1)`) counts its truths as a number, as in
//   SQLite, where a comparison is 0 or 1 (PostgreSQL has no sum or max of booleans).
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

/** Rewrites SQLite-dialect SQL for PostgreSQL (see the list at the top of this file). */
export function translate(sql: string): Translated {
  const rewritten = rewriteFullText(tokenize(sql));
  const fullTextParams: number[] = [];
  const tokens = unqualifyConflictTargets(
    dropIndexHints(quoteMixedCaseAliases(aliasSubqueries(rewritten))),
  );
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
  // What a rewritten call's closing parenthesis becomes (by token index): the end of a cast
  // of a comparison to a number, of total()'s coalesce, of json_each's subquery. The tokens
  // between are translated in this same pass, parameters and all.
  const closers = new Map<number, () => string>();
  // The number of the parameter written last (a named one used again keeps its first number).
  let lastParam = 0;

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const word = lower(t);
    const closer = closers.get(i);
    if (closer) {
      out.push(closer());
      continue;
    }
    if (t.kind === "param") {
      let source: ParamSource;
      if (t.text === "?") source = { index: positional++ };
      else if (t.text.startsWith("?")) source = { index: Number(t.text.slice(1)) - 1 };
      else source = { name: t.text.slice(1) };
      if ("name" in source && named.has(source.name)) {
        lastParam = named.get(source.name) as number;
        out.push(`$${lastParam}`);
        continue;
      }
      params.push(source);
      lastParam = params.length;
      if ("name" in source) named.set(source.name, params.length);
      if (t.fullText) fullTextParams.push(params.length);
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
      if (
        (word === "sum" || word === "max" || word === "min") &&
        isCondition(tokens.slice(after + 1, close))
      ) {
        out.push(`${t.text}((`);
        closers.set(close, () => ")::int)");
        i = after;
        continue;
      }
      if (word === "total") {
        out.push("coalesce(sum(");
        closers.set(close, () => "), 0)");
        i = after;
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
        hasJsonLists = true;
        // The element type is only known from the value bound at run time: the marker, which
        // names the list's parameter (the last one written before the closing parenthesis), is
        // replaced then (see castJsonLists), since comparing a number column with text fails.
        const opening = out.length;
        out.push("");
        closers.set(close, () => {
          out[opening] = `(SELECT e${jsonCastMark(lastParam)} FROM jsonb_array_elements_text((`;
          return ")::jsonb) AS e) AS json_each(value)";
        });
        i = after;
        continue;
      }
    }
    out.push(t.text);
  }
  return { text: out.join(""), params, hasJsonLists, fullTextParams };
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
