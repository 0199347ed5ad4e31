import type { DocumentLoader, RemoteDocument } from "@fedify/vocab-runtime";
import { logger } from "../../logging.ts";
import { ContextCache } from "./context-cache.ts";
import { guardedFetch } from "./guarded-fetch.ts";
import { isContextMediaType } from "./media-types.ts";
import type { OutboundPolicy } from "./policy.ts";
import { knownContext } from "./shipped-contexts.ts";

// JSON-LD contexts named by incoming activities and fetched documents. They are answered from
// Fedify's preloaded copies, then Copse's shipped copies, then a cache, and only then fetched,
// through the guarded fetcher and under the same limits as any document.
//
// A context that cannot be had (the server is down, refuses, times out, serves something that
// is not a context, or sits on a private address) is answered with an empty context, so the
// document is processed without the terms it defined. The alternative, an error, is what
// answered 500 before: Fedify counts a context that failed to load as a passing fault, so the
// sender retried for days an activity that would never be understood. Processing without the
// context loses only extension terms (ActivityStreams and security always come from copies),
// and an unknown term is dropped by JSON-LD expansion, so no meaning is invented. The failure
// is remembered for a while, so each delivery naming the context does not wait on it again.

const log = logger("federation", "contexts");
const FETCHED_TTL_MS = 24 * 60 * 60 * 1000;
const FAILED_TTL_MS = 10 * 60 * 1000;
const ACCEPT = "application/ld+json, application/json;q=0.9";
const FAILED = Symbol("failed");

/** A context loader under `policy`, with its own cache (one per federation). */
export function guardedContextLoader(
  policy: OutboundPolicy,
  cache = new ContextCache(),
): DocumentLoader {
  const inFlight = new Map<string, Promise<unknown>>();
  return async (url, options) => {
    const known = knownContext(url);
    if (known !== undefined) return answer(url, known);
    const cached = cache.get(url);
    if (cached === FAILED) return answer(url, { "@context": {} });
    if (cached !== undefined) return answer(url, cached);
    let pending = inFlight.get(url);
    if (!pending) {
      pending = fetchContext(url, policy, cache, options?.signal).finally(() =>
        inFlight.delete(url),
      );
      inFlight.set(url, pending);
    }
    return answer(url, await pending);
  };
}

function answer(url: string, document: unknown): RemoteDocument {
  return { contextUrl: null, document, documentUrl: url };
}

async function fetchContext(
  url: string,
  policy: OutboundPolicy,
  cache: ContextCache,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  try {
    const response = await guardedFetch(url, { policy, headers: { Accept: ACCEPT }, signal });
    if (!response.body) throw new Error(`HTTP ${response.status}`);
    const type = response.headers["content-type"];
    if (!isContextMediaType(type)) throw new Error(`served as ${type ?? "no content type"}`);
    const document = JSON.parse(response.body.toString("utf8")) as unknown;
    if (!document || typeof document !== "object" || !("@context" in document)) {
      throw new Error("not a JSON-LD context document");
    }
    cache.set(url, document, response.body.byteLength, FETCHED_TTL_MS);
    return document;
  } catch (error) {
    // The caller gave up (its own signal): that says nothing about the context.
    if (signal?.aborted) throw error;
    log.info("Could not load the JSON-LD context {url}; processing without it: {error}", {
      url,
      error: error instanceof Error ? error.message : String(error),
    });
    cache.set(url, FAILED, 0, FAILED_TTL_MS);
    return { "@context": {} };
  }
}
