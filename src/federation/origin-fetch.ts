import type { Context } from "@fedify/fedify";
import { type Object as APObject, Tombstone } from "@fedify/vocab";
import { FetchError } from "@fedify/vocab-runtime";
import { INSTANCE_ACTOR } from "../domain/paths.ts";
import { logger } from "../logging.ts";
import type { ContextData } from "./context.ts";
import { fetchRemoteObject } from "./remote-object.ts";

// Fetching an object from its own server is how Copse learns what an object really says, and
// whether it still exists. The answer has three outcomes, not two: a server that is down,
// slow or refusing is not a server that says the object was deleted. Only a Tombstone, a 410
// Gone, or a 404 whose body is a Tombstone counts as "gone" (DESIGN.md section 11).

const log = logger("federation", "origin-fetch");
/** How much of a 404's body is read to look for a Tombstone. */
const MAX_NOT_FOUND_BODY = 64 * 1024;

/** What an object's own server said about it. */
export type OriginAnswer =
  | { kind: "found"; object: APObject }
  | { kind: "gone" }
  | { kind: "unavailable"; reason: string };

/**
 * Fetches `id` through the guarded, signed document loader (src/federation/remote-object.ts)
 * and insists that the document describes an object on the id's own origin.
 */
export async function askOrigin(ctx: Context<ContextData>, id: URL): Promise<OriginAnswer> {
  // An inbox's loader is signed by the recipient; elsewhere, sign as the instance. Signed loads
  // are never served from Fedify's document cache, so a deletion is seen as soon as it happens.
  const loader =
    "recipient" in ctx
      ? ctx.documentLoader
      : await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  let object: APObject | null;
  try {
    object = await fetchRemoteObject(ctx, id, loader);
  } catch (error) {
    const answer = await fromError(error);
    log.info("Fetching {id} from its origin: {kind} ({error})", {
      id: id.href,
      kind: answer.kind,
      error,
    });
    return answer;
  }
  if (!object)
    return { kind: "unavailable", reason: `${id.href} is not a document Copse can read` };
  // Through a redirect, another server could answer for this id: only its own origin may.
  if (object.id && object.id.origin !== id.origin) {
    return { kind: "unavailable", reason: `${id.href} describes ${object.id.href}` };
  }
  if (object instanceof Tombstone) return { kind: "gone" };
  return { kind: "found", object };
}

/** Fetches an object from its origin; null unless the origin served it. */
export async function fetchFromOrigin(
  ctx: Context<ContextData>,
  id: URL,
): Promise<APObject | null> {
  const answer = await askOrigin(ctx, id);
  return answer.kind === "found" ? answer.object : null;
}

/** Reads a failed fetch: 410, or 404 with a Tombstone, means gone; anything else, unavailable. */
async function fromError(error: unknown): Promise<OriginAnswer> {
  const response = error instanceof FetchError ? error.response : undefined;
  if (!response) return { kind: "unavailable", reason: String(error) };
  if (response.status === 410) return { kind: "gone" };
  if (response.status === 404 && (await isTombstoneBody(response))) return { kind: "gone" };
  return { kind: "unavailable", reason: `HTTP ${response.status}` };
}

async function isTombstoneBody(response: Response): Promise<boolean> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > MAX_NOT_FOUND_BODY) return false;
  try {
    const text = await readCapped(response, MAX_NOT_FOUND_BODY);
    if (text === null) return false;
    const body = JSON.parse(text) as { type?: unknown };
    const types = Array.isArray(body.type) ? body.type : [body.type];
    return types.includes("Tombstone");
  } catch {
    return false;
  }
}

/** The body as text, or null once it passes `max` bytes (the rest is never read). */
async function readCapped(response: Response, max: number): Promise<string | null> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
