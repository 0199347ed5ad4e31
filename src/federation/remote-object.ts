import type { Context } from "@fedify/fedify";
import { Object as APObject } from "@fedify/vocab";
import type { DocumentLoader } from "@fedify/vocab-runtime";

// Fedify's lookupObject, given a URL its document loader refuses (wrong content type, too
// large, a private address), falls back to asking that URL's host over WebFinger, with a plain
// fetch of its own that none of Copse's limits cover. Copse looks objects up by URL only (it
// resolves handles itself, in lookup.ts), so this does what lookupObject does for a URL and
// nothing more: every request goes through the guarded loader it is given.

/**
 * Fetches the object at `id` with `documentLoader` (the context's by default) and parses it.
 * Throws when it cannot be fetched; answers null when the document is not a usable object or
 * its id is on another origin than the address that served it, as lookupObject does.
 */
export async function fetchRemoteObject(
  ctx: Context<unknown>,
  id: string | URL,
  documentLoader: DocumentLoader = ctx.documentLoader,
): Promise<APObject | null> {
  const remote = await documentLoader(new URL(id).href);
  let object: APObject;
  try {
    object = await APObject.fromJsonLd(remote.document, {
      documentLoader,
      contextLoader: ctx.contextLoader,
      baseUrl: new URL(remote.documentUrl),
    });
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
  // Another server must not speak for this one's URLs, even through a redirect.
  if (object.id && object.id.origin !== new URL(remote.documentUrl).origin) return null;
  return object;
}
