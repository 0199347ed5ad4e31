import { ValidationError } from "../errors.ts";
import {
  type DomainBlock,
  type DomainBlockInput,
  type DomainSeverity,
  normaliseDomain,
} from "./servers.ts";

// Domain blocks travel between servers as CSV in the format Mastodon exports and imports, so
// a council can start from a list another instance shares. Mastodon's `suspend` is our block
// and `silence` our limit; `noop` (which only rejects media there) blocks nothing here, so such
// lines are skipped and counted. Media and report flags have no equivalent and are ignored.

/** The header line Mastodon writes and expects. */
export const DOMAIN_CSV_HEADER =
  "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate";

const TO_MASTODON: Record<DomainSeverity, string> = { block: "suspend", limit: "silence" };
const FROM_MASTODON: Record<string, DomainSeverity | "skip"> = {
  suspend: "block",
  silence: "limit",
  noop: "skip",
};

/** Quotes a CSV field when it holds a comma, quote or line break. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The blocks and limits as Mastodon-format CSV. */
export function domainBlocksCsv(blocks: DomainBlock[]): string {
  const lines = blocks.map((b) =>
    [b.domain, TO_MASTODON[b.severity], "false", "false", field(b.reason), "false"].join(","),
  );
  return `${[DOMAIN_CSV_HEADER, ...lines].join("\n")}\n`;
}

/** Splits CSV text into records of fields, with each record's first line number. */
function records(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let value = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  const endRecord = () => {
    fields.push(value);
    if (any || fields.length > 1 || value !== "") out.push({ line: start, fields });
    fields = [];
    value = "";
    any = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        value += ch;
      }
    } else if (ch === '"') {
      quoted = true;
      any = true;
    } else if (ch === ",") {
      fields.push(value);
      value = "";
      any = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else value += ch;
  }
  if (quoted)
    throw new ValidationError([
      { field: "csv", message: `Line ${start}: a quoted field is never closed` },
    ]);
  endRecord();
  return out;
}

/** What a CSV file holds: the decisions to import, and how many `noop` lines were skipped. */
export interface ParsedDomainCsv {
  entries: DomainBlockInput[];
  skipped: number;
}

/**
 * Reads Mastodon-format domain-block CSV. Every malformed line is reported with its line
 * number in one ValidationError, and then nothing is imported. The header is optional, and
 * a later line for the same domain replaces an earlier one.
 */
export function parseDomainBlocksCsv(text: string): ParsedDomainCsv {
  const rows = records(text.replace(/^\uFEFF/, ""));
  const errors: { field: string; message: string }[] = [];
  const byDomain = new Map<string, DomainBlockInput>();
  let skipped = 0;
  for (const [index, { line, fields }] of rows.entries()) {
    const [rawDomain = "", rawSeverity = "", , , comment = ""] = fields.map((f) => f.trim());
    if (index === 0 && rawDomain.replace(/^#/, "").toLowerCase() === "domain") continue;
    const problem = (message: string) =>
      errors.push({ field: "csv", message: `Line ${line}: ${message}` });
    const domain = normaliseDomain(rawDomain);
    if (!domain) {
      problem(
        rawDomain.includes("*")
          ? `"${rawDomain}" is obfuscated with *, so it cannot be blocked; write the domain in full`
          : `"${rawDomain}" is not a domain name`,
      );
      continue;
    }
    const severity = FROM_MASTODON[(rawSeverity || "suspend").toLowerCase()];
    if (!severity) {
      problem(`the severity "${rawSeverity}" is not suspend, silence or noop`);
      continue;
    }
    if (comment.length > 1000) {
      problem("the public comment is longer than 1000 characters");
      continue;
    }
    if (severity === "skip") skipped++;
    else byDomain.set(domain, { domain, severity, reason: comment });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  if (byDomain.size === 0 && skipped === 0) {
    throw new ValidationError([{ field: "csv", message: "The file lists no domains" }]);
  }
  return { entries: [...byDomain.values()], skipped };
}
