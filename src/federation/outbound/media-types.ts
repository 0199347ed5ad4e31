// Which answers count as what. An ActivityPub document must say it is one: a server that
// serves user-controlled pages as text/html or text/plain (an uploaded file, a profile page)
// must not be able to pass such a page off as an actor (the CVE-2024-25623 pattern).

const AS_PROFILE = "https://www.w3.org/ns/activitystreams";

interface MediaType {
  essence: string;
  params: Map<string, string>;
}

/** Splits `type/subtype; a=b; c="d e"` into its lower-case essence and its parameters. */
export function parseMediaType(value: string | undefined | null): MediaType | null {
  if (!value) return null;
  const [head, ...rest] = value.split(";");
  const essence = head!.trim().toLowerCase();
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(essence)) return null;
  const params = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    params.set(name, raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
  }
  return { essence, params };
}

/**
 * True for `application/activity+json` and for `application/ld+json` with the ActivityStreams
 * profile, the two types the ActivityPub specification names. Plain `application/json` is
 * refused: no server in the captured fixtures serves ActivityPub documents that way.
 */
export function isActivityPubMediaType(value: string | undefined | null): boolean {
  const type = parseMediaType(value);
  if (!type) return false;
  if (type.essence === "application/activity+json") return true;
  if (type.essence !== "application/ld+json") return false;
  const profiles = (type.params.get("profile") ?? "").split(/\s+/);
  return profiles.includes(AS_PROFILE);
}

/** True for the types JSON-LD contexts are served as: `application/ld+json` or `application/json`. */
export function isContextMediaType(value: string | undefined | null): boolean {
  const essence = parseMediaType(value)?.essence;
  return essence === "application/ld+json" || essence === "application/json";
}

/** The `Accept` header for ActivityPub documents. */
export const ACTIVITY_PUB_ACCEPT = `application/activity+json, application/ld+json; profile="${AS_PROFILE}"`;
