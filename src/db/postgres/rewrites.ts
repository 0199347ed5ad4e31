import { closing, lower, nextSolid, type Token } from "./tokens.ts";

// Rewrites of a whole statement's tokens that the translation (translate.ts) applies before
// its main pass, and the tests it makes of a run of tokens: each handles one difference
// between SQLite's dialect and PostgreSQL's, and says which.

/**
 * Quotes aliases written in mixed case (`AS publishedAt`; an all-capitals word after AS is a
 * type, as in `CAST(x AS REAL)`) wherever they appear: SQLite keeps
 * an alias's case, PostgreSQL folds an unquoted one to lower case, and the code reads the
 * columns by the names it wrote.
 */
export function quoteMixedCaseAliases(tokens: Token[]): Token[] {
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

/** Whether the `+` at `i` is unary (starts an operand). */
export function isUnaryPosition(tokens: Token[], i: number): boolean {
  let before = i - 1;
  while (before >= 0 && tokens[before]?.kind === "space") before--;
  const previous = tokens[before];
  if (!previous) return true;
  if (previous.kind === "word") return BEFORE_OPERAND.has(previous.text.toLowerCase());
  return previous.kind === "punct" && previous.text !== ")";
}

/** Whether the JOIN at `join` has an ON before the next join or clause. */
export function joinHasOn(tokens: Token[], join: number): boolean {
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

/**
 * Whether a run of tokens (one function argument) is, at its top level, a condition rather
 * than a number: a comparison or a logical operator outside parentheses and CASE.
 */
export function isCondition(tokens: Token[]): boolean {
  let depth = 0;
  let cases = 0;
  for (const t of tokens) {
    const word = t.kind === "word" ? t.text.toLowerCase() : undefined;
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    else if (t.text === "," && depth === 0) return false;
    else if (word === "case") cases++;
    else if (word === "end") cases--;
    else if (depth === 0 && cases === 0) {
      if (t.kind === "punct" && CONDITION_PUNCT.has(t.text)) return true;
      if (word !== undefined && CONDITION_WORDS.has(word)) return true;
    }
  }
  return false;
}

/** Drops SQLite's `INDEXED BY name` hints; PostgreSQL's planner takes no hints. */
export function dropIndexHints(tokens: Token[]): Token[] {
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
export function unqualifyConflictTargets(tokens: Token[]): Token[] {
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
export function aliasSubqueries(tokens: Token[]): Token[] {
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
