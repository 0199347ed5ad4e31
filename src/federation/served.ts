import { logger } from "../logging.ts";
import { listsAsArrays } from "./vocab/lists.ts";

// Fedify writes the documents it serves (actors, objects, collections) itself, with no hook
// for their JSON. Lemmy parses them into strict structs, so Copse reshapes each JSON-LD
// response on its way out: lists as arrays, and collections as Lemmy's protocol structs
// declare them (the examples in ../shared/fixtures/fediverse/lemmy/collections/).

const log = logger("federation", "served");

/**
 * The shape Lemmy reads a collection document in. A followers collection is a `Collection`
 * with `totalItems` and an `items` array that Lemmy expects empty (`Vec<()>`,
 * group_followers.json); its members stay in the pages named by `first`, which Copse reads.
 * A collection served whole lists its `orderedItems` even when there are none
 * (group_outbox.json: Lemmy's outbox struct requires the field), and a moderators collection
 * lists ids.
 */
function collectionShape(json: Record<string, unknown>): Record<string, unknown> {
  if (json.type !== "OrderedCollection") return json;
  if (typeof json.id === "string" && /\/followers$/.test(json.id) && "first" in json) {
    return { ...json, type: "Collection", items: [] };
  }
  if (!("first" in json) && !("orderedItems" in json)) return { ...json, orderedItems: [] };
  // The moderators collection is a list of actor ids (group_moderators.json); Fedify embeds
  // each item as an object.
  if (typeof json.id === "string" && /\/moderators$/.test(json.id)) {
    const items = Array.isArray(json.orderedItems) ? json.orderedItems : [json.orderedItems];
    return { ...json, orderedItems: items.map(idOf) };
  }
  return json;
}

/** The id of an embedded object, or the value itself when it is already an id. */
function idOf(value: unknown): unknown {
  return value && typeof value === "object" && "id" in value ? value.id : value;
}

/** Whether a response carries a JSON-LD document Copse should reshape. */
export function isActivityJson(response: Response): boolean {
  const type = response.headers.get("content-type") ?? "";
  return /application\/(activity\+json|ld\+json)/.test(type);
}

/**
 * Rewrites a JSON-LD response Fedify made into the shapes strict readers need (see above);
 * any other response, or one that is not valid JSON, passes unchanged.
 */
export async function shapeServedResponse(response: Response): Promise<Response> {
  if (!isActivityJson(response) || response.body === null) return response;
  const text = await response.clone().text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    log.warn("Served a JSON-LD response that is not JSON: {error}", { error });
    return response;
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return response;
  const shaped = listsAsArrays(collectionShape(json as Record<string, unknown>));
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(shaped), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
