import type { Json } from "./fixtures.ts";

// What the fake peer serves, and how a fixture is read: the contexts that can be loaded
// offline, the real actor documents of each software, and walks over a JSON-LD document for
// the hosts, actors and embedded objects it names.

export const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";
export const SECURITY_CONTEXT = "https://w3id.org/security/v1";
export const ACTOR_TYPES = ["Person", "Group", "Service", "Application", "Organization"];
export const PUBLIC = `${AS_CONTEXT}#Public`;
/** What Lemmy adds to the payloads it stores without one (crates/apub WithContext). */
export const LEMMY_CONTEXT = ["https://join-lemmy.org/context.json", AS_CONTEXT];
/** Contexts Fedify has preloaded; tests run offline, so no other can be loaded. */
export const PRELOADED_CONTEXTS = new Set([
  AS_CONTEXT,
  SECURITY_CONTEXT,
  "https://w3id.org/security/data-integrity/v1",
  "https://w3id.org/security/data-integrity/v2",
  "https://w3id.org/security/multikey/v1",
  "https://w3id.org/identity/v1",
  "https://www.w3.org/ns/did/v1",
  "https://www.w3.org/ns/cid/v1",
  "https://join-lemmy.org/context.json",
  "https://gotosocial.org/ns",
  "https://purl.archive.org/socialweb/webfinger",
  "https://purl.archive.org/miscellany",
  "http://joinmastodon.org/ns",
  "http://schema.org/",
  "https://w3id.org/fep/5711",
  "https://w3id.org/fep/ef61",
]);
/** Hosts of vocabularies, never of actors or objects: their URLs are not rewritten. */
export const VOCABULARY_HOSTS = new Set([
  "www.w3.org",
  "w3id.org",
  "join-lemmy.org",
  "schema.org",
  "ostatus.org",
  "joinmastodon.org",
  "purl.org",
  "purl.archive.org",
  "diasporafoundation.org",
  "litepub.social",
  "gotosocial.org",
]);

/** Where each software's real actor documents are, to serve fake actors in their shape. */
export const PERSON_SHAPES: Record<string, string> = {
  discourse: "discourse/objects/person.json",
  friendica: "friendica/objects/person_1.json",
  lemmy: "lemmy/objects/person.json",
  mastodon: "mastodon/objects/person.json",
  nodebb: "nodebb/objects/person.json",
  peertube: "peertube/objects/person.json",
  wordpress: "wordpress/objects/person.json",
};
export const GROUP_SHAPES: Record<string, string> = {
  discourse: "discourse/objects/group.json",
  lemmy: "lemmy/objects/group.json",
  nodebb: "nodebb/objects/group.json",
  peertube: "peertube/objects/group.json",
  wordpress: "wordpress/objects/group.json",
};

/** The fixture's @context, or Lemmy's when it has none, keeping only what can be loaded. */
export function loadableContext(context: unknown): unknown {
  if (context === undefined) return LEMMY_CONTEXT;
  const entries = Array.isArray(context) ? context : [context];
  const kept = entries.filter((c) => typeof c !== "string" || PRELOADED_CONTEXTS.has(c));
  // Mbin's https://fedia.io/contexts cannot be loaded offline. ActivityStreams and security
  // (which defines publicKey) stand in for it: these tests are about Copse, not that context.
  if (kept.length < entries.length) {
    for (const c of [SECURITY_CONTEXT, AS_CONTEXT]) if (!kept.includes(c)) kept.unshift(c);
  }
  return kept;
}

/** The scheme-less origins (`host[:port]`) of the actors and objects a document names. */
export function hostsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    for (const match of value.matchAll(/\bhttps?:\/\/([a-z0-9.-]+(?::\d+)?)/gi)) {
      const host = match[1]!.toLowerCase();
      if (!VOCABULARY_HOSTS.has(host)) into.add(host);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) hostsIn(v, into);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (k !== "@context") hostsIn(v, into);
  }
  return into;
}

/** Whole-string URLs with a query: the peer serves by path, so the query becomes a path. */
export function queryUrlsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    if (/^https?:\/\/[^\s"'<>]+\?[^\s"'<>]*$/.test(value)) into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) queryUrlsIn(v, into);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (k !== "@context") queryUrlsIn(v, into);
  }
  return into;
}

/** Both schemes of a URL (Lemmy's fixtures mix http and https for the same id). */
export function bothSchemes(url: string): string[] {
  const rest = url.replace(/^https?:\/\//, "");
  return [`http://${rest}`, `https://${rest}`];
}

export function idOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as Json).id === "string") {
    return (value as Json).id;
  }
  return undefined;
}

/** The ids of every actor an activity (and the activities inside it) names as actor/author. */
export function actorsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) actorsIn(v, into);
  else if (value && typeof value === "object") {
    const node = value as Json;
    const actor = idOf(node.actor);
    if (actor) into.add(actor);
    const author = idOf(node.attributedTo);
    if (author && (node.type === "Note" || node.type === "Page" || node.type === "Article")) {
      into.add(author);
    }
    for (const [k, v] of Object.entries(node)) if (k !== "@context") actorsIn(v, into);
  }
  return into;
}

/** Every embedded node with an id and a type, with the path it is served at. */
export function embeddedNodes(value: unknown, into: Json[] = []): Json[] {
  if (Array.isArray(value)) for (const v of value) embeddedNodes(v, into);
  else if (value && typeof value === "object") {
    const node = value as Json;
    if (typeof node.id === "string" && typeof node.type === "string") into.push(node);
    for (const [k, v] of Object.entries(node)) if (k !== "@context") embeddedNodes(v, into);
  }
  return into;
}
