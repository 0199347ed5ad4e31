import { Object as APObject } from "@fedify/vocab";

// Lemmy locks a post with an activity of its own, `Lock` (and unlocks with `Undo{Lock}`),
// which ActivityStreams and Fedify do not define. Fedify reads an activity of an unknown type
// as a plain Activity and keeps the JSON it came in (nested in an Undo or Announce, it keeps
// nothing of it: its type, actor and object are lost), so a Lock is read from the JSON of
// the activity that was received, at the depth it is wrapped. Sending works the other way: Copse builds a plain
// Activity whose id is one of its lock ids, and the outgoing activity transformer
// (src/federation/vocab/lists.ts) writes its type as `Lock` wherever it appears.

/** The path under which Copse mints its lock activities' ids (see newActivityIri). */
const LOCK_ID = /\/ap\/activities\/lock\/[^/]+$/;

/** A Lemmy Lock as read: who locked what, the reason and the community it names. */
export interface LemmyLock {
  id: string;
  actor: string;
  object: string;
  summary: string;
  audience: string | null;
}

/** The iri a JSON-LD value names: a string, or an object's id. */
function iriOf(value: unknown): string | null {
  if (Array.isArray(value)) return value.length === 1 ? iriOf(value[0]) : null;
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "id" in value && typeof value.id === "string") {
    return value.id;
  }
  return null;
}

/**
 * Reads a Lemmy `Lock` from an activity as it was received: the activity itself (`depth` 0),
 * the one it wraps (1: Undo{Lock}, Announce{Lock}) or deeper (2: Announce{Undo{Lock}}).
 * Null when there is no Lock there.
 */
export async function lemmyLockIn(received: unknown, depth = 0): Promise<LemmyLock | null> {
  if (!(received instanceof APObject)) return null;
  let json = (await received.toJsonLd()) as Record<string, unknown> | undefined;
  for (let i = 0; i < depth; i++) {
    const inner: unknown = json?.object;
    json =
      inner && typeof inner === "object" && !Array.isArray(inner)
        ? (inner as Record<string, unknown>)
        : undefined;
  }
  if (!json) return null;
  const types = Array.isArray(json.type) ? json.type : [json.type];
  if (!types.includes("Lock")) return null;
  const id = iriOf(json.id);
  const actor = iriOf(json.actor);
  const target = iriOf(json.object);
  if (!id || !actor || !target) return null;
  return {
    id,
    actor,
    object: target,
    summary: typeof json.summary === "string" ? json.summary : "",
    audience: iriOf(json.audience),
  };
}

/** Whether an id is one Copse minted for a Lock. */
export function isLockId(id: string): boolean {
  return LOCK_ID.test(id);
}

/**
 * Returns a copy of compacted JSON in which every node Copse built as a plain Activity with a
 * lock id is typed `Lock`, as Lemmy reads it.
 */
export function lemmyLockTypes<T>(json: T): T {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (!value || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = key === "@context" ? v : visit(v);
    if (out.type === "Activity" && typeof out.id === "string" && isLockId(out.id)) {
      out.type = "Lock";
    }
    return out;
  };
  return visit(json) as T;
}
