// The lexer under the SQLite-to-PostgreSQL translation (translate.ts, full-text.ts): quoted
// strings and identifiers stay whole, so nothing inside them is ever rewritten.

/** One lexical token of a statement. */
export interface Token {
  kind: "word" | "string" | "ident" | "number" | "param" | "punct" | "space";
  text: string;
  /** A parameter whose value is an FTS5 query (full-text.ts). */
  fullText?: boolean;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const SPACE = /(\s+|--[^\n]*|\/\*[\s\S]*?\*\/)+/y;

function matchAt(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0] : undefined;
}

/** Splits SQL into tokens; quoted strings and identifiers stay whole. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const space = matchAt(SPACE, sql, i);
    if (space) {
      tokens.push({ kind: "space", text: " " });
      i += space.length;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      const text = sql.slice(i, j + 1);
      tokens.push(
        c === "'" ? { kind: "string", text } : { kind: "ident", text: `"${text.slice(1, -1)}"` },
      );
      i = j + 1;
      continue;
    }
    // `?`, or `@name`, `:name`, `$name`; `@@`, `::` and the like are operators.
    const named = "@:$".includes(c) && /[A-Za-z_]/.test(sql[i + 1] ?? "");
    if (c === "?" || named) {
      const rest = c === "?" ? matchAt(/[0-9]*/y, sql, i + 1) : matchAt(WORD, sql, i + 1);
      tokens.push({ kind: "param", text: c + (rest ?? "") });
      i += 1 + (rest?.length ?? 0);
      continue;
    }
    const word = matchAt(WORD, sql, i);
    if (word) {
      tokens.push({ kind: "word", text: word });
      i += word.length;
      continue;
    }
    const number = matchAt(NUMBER, sql, i);
    if (number) {
      tokens.push({ kind: "number", text: number });
      i += number.length;
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (["||", "<=", ">=", "<>", "!=", "==", "::"].includes(two)) {
      tokens.push({ kind: "punct", text: two === "==" ? "=" : two });
      i += 2;
      continue;
    }
    tokens.push({ kind: "punct", text: c });
    i++;
  }
  return tokens;
}

/** A word token's text in lower case; undefined for any other token. */
export const lower = (t: Token | undefined) =>
  t?.kind === "word" ? t.text.toLowerCase() : undefined;

/** The index of the token closing the parenthesis opened at `open`. */
export function closing(tokens: Token[], open: number): number {
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
export function argumentCount(tokens: Token[], open: number, close: number): number {
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

/** The index of the first token from `from` that is not white space. */
export function nextSolid(tokens: Token[], from: number): number {
  let i = from;
  while (i < tokens.length && tokens[i]?.kind === "space") i++;
  return i;
}
