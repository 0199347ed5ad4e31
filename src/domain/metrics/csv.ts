// CSV as RFC 4180 describes it (CRLF line ends, fields quoted when they hold a comma, a quote
// or a line break, quotes doubled), plus a guard for spreadsheets: a text cell that starts with
// = + - @, a tab or a carriage return could run as a formula when opened, so it gets a leading
// apostrophe, which spreadsheets show as text (OWASP's advice on CSV injection).

/** A CSV cell: text is guarded and quoted as needed; numbers are written as they are. */
export type CsvCell = string | number;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell as CSV text, with formula-like text defused and quoting where RFC 4180 needs it. */
export function csvCell(value: CsvCell): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows (the first usually a header) as a CSV document, each line ended by CRLF. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}
