// Discourse (discourse-activity-pub) serves its actors with only the ActivityStreams context,
// yet with a `publicKey` in Mastodon's shape. Under JSON-LD processing `publicKey` is then an
// unknown term and is dropped, so no key is found and every signed delivery from a Discourse
// site is refused. Adding the security vocabulary the document plainly uses restores the key;
// it gives the document no power it did not claim: the key is still only accepted for the
// actor its `owner` names (Fedify checks the owner against the activity's actor), and the
// document still has to come from the actor's own origin.

const SECURITY_V1 = "https://w3id.org/security/v1";
/** Contexts that define `publicKey`; a document naming any of them needs no help. */
const DEFINES_PUBLIC_KEY = new Set([SECURITY_V1, "https://w3id.org/security/v2"]);

/** The document with the security context added when it has a `publicKey` and no term for it. */
export function withSecurityContext(document: unknown): unknown {
  if (!document || typeof document !== "object" || Array.isArray(document)) return document;
  const doc = document as Record<string, unknown>;
  if (!("publicKey" in doc) || doc["@context"] === undefined) return document;
  const contexts = Array.isArray(doc["@context"]) ? doc["@context"] : [doc["@context"]];
  const defined = contexts.some(
    (c) =>
      (typeof c === "string" && DEFINES_PUBLIC_KEY.has(c)) ||
      (c !== null && typeof c === "object" && "publicKey" in c),
  );
  if (defined) return document;
  // Mastodon's order: named contexts first, then security, then inline term definitions, so
  // the document's own inline terms still win over the added vocabulary.
  const firstInline = contexts.findIndex((c) => typeof c !== "string");
  const at = firstInline < 0 ? contexts.length : firstInline;
  return { ...doc, "@context": [...contexts.slice(0, at), SECURITY_V1, ...contexts.slice(at)] };
}
