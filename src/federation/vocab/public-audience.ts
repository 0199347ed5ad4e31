// JSON-LD compaction writes the public collection as the CURIE `as:Public`. Fedify rewrites it
// to the full IRI before sending (Lemmy matches addressing as plain URLs), but unless a
// document's @context is only preloaded URLs it first proves the rewrite harmless by
// canonicalising the activity twice with URDNA2015, once as it is and once rewritten; it does
// that in the proof step and again before sending. Copse's contexts carry inline term
// definitions (Fedify's own, Lemmy's), so every activity Copse sent paid for four
// canonicalisations, the largest cost of relaying a post or a vote to a community's followers.
// None of Copse's contexts redefines the `as:` prefix or a `Public` term, so writing the full
// IRI in the first place is the same statement, and Fedify has nothing left to check.

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
/** The addressing properties Fedify rewrites, as ActivityStreams names them. */
const ADDRESSING = new Set(["to", "cc", "bto", "bcc", "audience"]);

function isPublicCurie(value: unknown): boolean {
  return value === "as:Public" || value === "Public";
}

/**
 * Returns a compacted JSON-LD document written by Copse with every `as:Public` (or `Public`)
 * in an addressing property, at any depth, spelled as the full IRI. Other values, and
 * `@context`, are left alone; unchanged parts are shared with the input.
 */
export function publicAudienceAsIri<T>(json: T): T {
  const visit = (value: unknown, key: string | null): unknown => {
    if (key !== null && ADDRESSING.has(key)) {
      if (isPublicCurie(value)) return PUBLIC;
      if (Array.isArray(value) && value.some(isPublicCurie)) {
        return value.map((v) => (isPublicCurie(v) ? PUBLIC : visit(v, null)));
      }
    }
    if (Array.isArray(value)) return value.map((v) => visit(v, key));
    if (!value || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === "@context" ? v : visit(v, k);
    return out;
  };
  return visit(json, null) as T;
}
