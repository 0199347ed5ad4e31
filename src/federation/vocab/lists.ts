import type { Activity } from "@fedify/vocab";
import { lemmyGroupTerms } from "./lemmy-group.ts";
import { lemmyLockTypes } from "./lemmy-lock.ts";
import { publicAudienceAsIri } from "./public-audience.ts";

// JSON-LD compaction writes a list of one as a bare value (`"to": "https://…"`), and Fedify's
// toJsonLd does the same. Lemmy's receive code (crates/apub, protocol structs) declares these
// properties as Vec<…> or arrays and refuses an activity or object whose one mention, one
// recipient or one attachment is not in an array. A one-item array means exactly the same in
// JSON-LD, so Copse always writes these lists as arrays, in what it serves and what it sends.

/** Properties that are lists in everything Copse writes, even with one item. */
const LIST_PROPERTIES = new Set([
  "to",
  "cc",
  "bto",
  "bcc",
  "tag",
  "attachment",
  "items",
  "orderedItems",
]);

/**
 * Returns a copy of a compacted JSON-LD document in which every list property, at any depth,
 * is an array. `@context` is left alone: its term definitions are not data.
 */
export function listsAsArrays<T>(json: T): T {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (!value || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === "@context") out[key] = v;
      else if (LIST_PROPERTIES.has(key) && v !== null && v !== undefined && !Array.isArray(v)) {
        out[key] = [visit(v)];
      } else out[key] = visit(v);
    }
    return out;
  };
  return visit(json) as T;
}

type AnyActivityClass = new (...args: never[]) => Activity;
const shapedClasses = new WeakMap<object, AnyActivityClass>();

/**
 * An activity transformer (Fedify's `activityTransformers`, src/federation/builder.ts): the
 * activity comes back as an instance of a subclass of its own class whose JSON-LD keeps lists
 * as arrays. Fedify signs (Object Integrity Proofs) and sends the JSON that toJsonLd returns,
 * so the proof covers exactly what goes on the wire; clone() keeps the subclass.
 */
export function keepListsAsArrays<T extends Activity>(activity: T): T {
  const base = activity.constructor as unknown as typeof Activity;
  let shaped = shapedClasses.get(base);
  if (!shaped) {
    shaped = class extends base {
      override async toJsonLd(options?: Parameters<Activity["toJsonLd"]>[0]): Promise<unknown> {
        const json = await super.toJsonLd(options);
        // Lemmy's Lock and postingRestrictedToMods are written by their names too
        // (src/federation/vocab/lemmy-lock.ts, lemmy-group.ts), and the public audience by
        // its full IRI (src/federation/vocab/public-audience.ts).
        if (options?.format === "expand") return json;
        return publicAudienceAsIri(listsAsArrays(lemmyGroupTerms(lemmyLockTypes(json))));
      }
    } as unknown as AnyActivityClass;
    shapedClasses.set(base, shaped);
  }
  // The clone was built by the base class, so its private fields are in place; only its
  // prototype changes, and the subclass adds nothing but the toJsonLd above.
  return Object.setPrototypeOf(activity.clone(), shaped.prototype) as T;
}
