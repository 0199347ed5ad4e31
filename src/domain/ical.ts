// A small iCalendar (RFC 5545) writer: just what publishing events needs. Calendar apps are
// strict about the details, so each rule of the RFC that matters here is followed exactly:
// CRLF line ends, lines folded at 75 octets without splitting a UTF-8 character, TEXT values
// escaped, and times written in UTC ("Z" form) so no VTIMEZONE block is needed.

/** One event in a calendar file. */
export interface CalendarEvent {
  /** Globally unique and stable: the event's ActivityPub id. */
  uid: string;
  /** When this version of the event was last changed. */
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  /** Plain text; newlines are kept. */
  description?: string;
  location?: string;
  url?: string | null;
  created?: Date;
  cancelled?: boolean;
}

/** The product identifier written into every calendar file. */
export const PRODUCT_ID = "-//Copse//Copse events//EN";

const CRLF = "\r\n";
const MAX_OCTETS = 75;

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** A UTC date-time in the form 19980119T070000Z (RFC 5545 3.3.5, form #2). */
export function formatUtc(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/**
 * Folds a content line so no physical line is longer than 75 octets (RFC 5545 3.1). Each
 * continuation starts with one space, which counts towards its line's 75 octets, and a
 * multi-octet UTF-8 character is never split between lines.
 */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > MAX_OCTETS) {
      out.push(current);
      current = ` ${char}`;
      octets = 1 + size;
    } else {
      current += char;
      octets += size;
    }
  }
  out.push(current);
  return out.join(CRLF);
}

/** A property line, e.g. `SUMMARY:Team meeting`, escaped and folded. */
function property(name: string, value: string, isText = true): string {
  return foldLine(`${name}:${isText ? escapeText(value) : value}`);
}

/** Whether a URL can be written as a URI value as is (no control characters or spaces). */
function isSafeUri(url: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  return URL.canParse(url) && !/[\s\u0000-\u001f\u007f"]/.test(url);
}

/** One VEVENT block. */
function eventLines(event: CalendarEvent): string[] {
  const lines = [
    "BEGIN:VEVENT",
    property("UID", event.uid),
    property("DTSTAMP", formatUtc(event.stamp), false),
    property("DTSTART", formatUtc(event.start), false),
    property("DTEND", formatUtc(event.end), false),
    property("SUMMARY", event.summary),
  ];
  if (event.created) lines.push(property("CREATED", formatUtc(event.created), false));
  lines.push(property("LAST-MODIFIED", formatUtc(event.stamp), false));
  if (event.description) lines.push(property("DESCRIPTION", event.description));
  if (event.location) lines.push(property("LOCATION", event.location));
  if (event.url && isSafeUri(event.url)) lines.push(property("URL", event.url, false));
  if (event.cancelled) lines.push("STATUS:CANCELLED");
  lines.push("END:VEVENT");
  return lines;
}

/** A whole calendar file (VCALENDAR with one VEVENT per event), ready to send. */
export function writeCalendar(options: { name?: string; events: CalendarEvent[] }): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", property("PRODID", PRODUCT_ID, false)];
  lines.push("CALSCALE:GREGORIAN", "METHOD:PUBLISH");
  // X-WR-CALNAME is not in the RFC, but Apple, Google and Outlook all show it as the name.
  if (options.name) lines.push(property("X-WR-CALNAME", options.name));
  for (const event of options.events) lines.push(...eventLines(event));
  lines.push("END:VCALENDAR");
  return lines.join(CRLF) + CRLF;
}
