// A cheap shape check for JSON bodies from other servers, run before anything parses them
// into a tree. JSON-LD expansion recurses once per level of nesting, so a body nested ten
// thousand levels deep overflows the stack; a body with millions of tiny values costs time and
// memory out of proportion to its size. Both are refused before Fedify sees them.

/** The deepest nesting of objects and arrays accepted; real activities stay under ten. */
export const MAX_JSON_DEPTH = 32;
/** The most values (objects, arrays, keys and elements) accepted in one body. */
export const MAX_JSON_VALUES = 20_000;

/** Why a body was refused, or `ok` with the parsed object. */
export type JsonShape =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; reason: string };

/**
 * Checks that `text` is one JSON object nested at most MAX_JSON_DEPTH deep with at most
 * MAX_JSON_VALUES values, and parses it. The limits are checked by a flat scan over the
 * characters, never by recursion, so no input can overflow the checker's own stack.
 */
export function checkJsonShape(text: string): JsonShape {
  let depth = 0;
  // Every container opened and every comma separating two members or elements counts as a
  // value, so a body of N values counts at least N - (containers) and at most 2N: close
  // enough for a limit meant to stop bodies that are absurd, not merely large.
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === BACKSLASH) i++;
      else if (ch === QUOTE) inString = false;
      continue;
    }
    if (ch === QUOTE) {
      inString = true;
    } else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
      depth++;
      values++;
      if (depth > MAX_JSON_DEPTH) {
        return { ok: false, reason: `JSON nested too deep (over ${MAX_JSON_DEPTH} levels)` };
      }
    } else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
      depth--;
    } else if (ch === COMMA) {
      values++;
    }
    if (values > MAX_JSON_VALUES) {
      return { ok: false, reason: `JSON has too many values (over ${MAX_JSON_VALUES})` };
    }
  }
  let value: unknown;
  try {
    // The scan bounded the depth, so the parser's own nesting is bounded too.
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "Body is not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: "Body must be a JSON object" };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
