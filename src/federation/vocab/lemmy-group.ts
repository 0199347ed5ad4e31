import { Group } from "@fedify/vocab";

// Lemmy marks a community in which only moderators may post with `postingRestrictedToMods`
// (lemmy:postingRestrictedToMods in https://join-lemmy.org/context.json). Fedify's Group has
// no such property, so a local Group is served as a subclass whose JSON-LD carries it: in
// the document Copse serves (with the term in its @context) and wherever the Group is
// embedded, as in the Update{Group} sent when the setting changes.

const LEMMY_NS = "https://join-lemmy.org/ns#";
const PROPERTY = "postingRestrictedToMods";
const TERMS = { lemmy: LEMMY_NS, [PROPERTY]: `lemmy:${PROPERTY}` };

const restrictedGroups = new WeakMap<Group, boolean>();

class LemmyGroup extends Group {
  override async toJsonLd(options?: Parameters<Group["toJsonLd"]>[0]): Promise<unknown> {
    const json = await super.toJsonLd(options);
    const restricted = restrictedGroups.get(this) ?? false;
    if (options?.format === "expand") {
      const node = (Array.isArray(json) ? json[0] : json) as Record<string, unknown> | undefined;
      if (node) node[LEMMY_NS + PROPERTY] = [{ "@value": restricted }];
      return json;
    }
    if (!json || typeof json !== "object" || Array.isArray(json)) return json;
    const out: Record<string, unknown> = { ...json, [PROPERTY]: restricted };
    // Embedded in an activity there is no @context of its own; Lemmy reads it by name.
    if ("@context" in json) {
      const context = (json as Record<string, unknown>)["@context"];
      out["@context"] = [...(Array.isArray(context) ? context : [context]), TERMS];
    }
    return out;
  }
}

/** The Group with Lemmy's `postingRestrictedToMods` written into its JSON-LD. */
export function withPostingRestriction(group: Group, restricted: boolean): Group {
  const shaped = Object.setPrototypeOf(group, LemmyGroup.prototype) as Group;
  restrictedGroups.set(shaped, restricted);
  return shaped;
}

/**
 * An outgoing activity that embeds a local Group (Update{Group}) is compacted by Fedify with
 * a context that lacks Lemmy's term, which leaves the property under its full IRI. Lemmy reads
 * it by name, so the activity transformer (src/federation/vocab/lists.ts) writes the name and
 * adds the term to the activity's context: the same JSON-LD, in the form Lemmy reads.
 */
export function lemmyGroupTerms<T>(json: T): T {
  if (!json || typeof json !== "object" || Array.isArray(json)) return json;
  const activity = json as Record<string, unknown>;
  const object = activity.object as Record<string, unknown> | undefined;
  const full = LEMMY_NS + PROPERTY;
  if (!object || typeof object !== "object" || !(full in object)) return json;
  const { [full]: value, ...rest } = object;
  const context = activity["@context"];
  return {
    ...activity,
    "@context": [...(Array.isArray(context) ? context : context ? [context] : []), TERMS],
    object: { ...rest, [PROPERTY]: value },
  } as T;
}

/**
 * Whether a received Group's JSON says only its moderators may post: by name as Lemmy writes
 * it, or under its full IRI. Fedify drops properties it does not know, so this reads the JSON
 * as received: a fetched Group keeps it (toJsonLd), but a Group embedded in an Update is
 * rebuilt without it, so the Update's own JSON is read there (src/federation/inbox/actors.ts).
 */
export function postingRestrictionIn(json: unknown): boolean {
  if (!json || typeof json !== "object") return false;
  const doc = json as Record<string, unknown>;
  if (doc[PROPERTY] === true) return true;
  const expanded = doc[LEMMY_NS + PROPERTY];
  const first = Array.isArray(expanded) ? expanded[0] : expanded;
  return first === true || (first as { "@value"?: unknown } | undefined)?.["@value"] === true;
}
