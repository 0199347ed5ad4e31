import { signRequest } from "@fedify/fedify";
import { type DocumentLoader, FetchError, type RemoteDocument } from "@fedify/vocab-runtime";
import { OutboundFetchError } from "./fetch-errors.ts";
import { type FetchedResponse, guardedFetch } from "./guarded-fetch.ts";
import { ACTIVITY_PUB_ACCEPT, isActivityPubMediaType } from "./media-types.ts";
import type { OutboundPolicy } from "./policy.ts";
import { withSecurityContext } from "./security-context.ts";

// Fedify's own loader accepts actors and objects served as text/html or text/plain, reads
// bodies of any size, and checks an address before connecting rather than as it connects. This
// loader replaces it for every ActivityPub document Copse fetches (actors, keys, objects,
// collections): it goes through the guarded fetcher, accepts only the ActivityPub media types,
// and hands Fedify a JSON object, with the security context added where Discourse leaves it out.

/** The instance actor's key, for servers that only answer signed fetches (authorized fetch). */
export interface SigningKey {
  keyId: URL;
  privateKey: CryptoKey;
}

/** A document loader for ActivityPub documents under `policy`, signing each hop with `key` if given. */
export function guardedDocumentLoader(policy: OutboundPolicy, key?: SigningKey): DocumentLoader {
  const headersFor = key ? (url: URL) => signatureHeaders(url, key) : undefined;
  const fetchOne = async (url: string, signal?: AbortSignal): Promise<FetchedResponse> => {
    try {
      return await guardedFetch(url, {
        readNotFoundBody: true,
        policy,
        headers: { Accept: ACTIVITY_PUB_ACCEPT },
        headersFor,
        signal,
      });
    } catch (error) {
      if (error instanceof OutboundFetchError) throw new FetchError(url, error.message);
      throw error;
    }
  };
  return async (url, options) => {
    let response = await fetchOne(url, options?.signal);
    // A page that points at its ActivityPub form (Link: <...>; rel="alternate") is followed
    // once, on the same origin only: another server must not answer for this one's URLs.
    const alternate = isSuccess(response) && response.body ? alternateOf(response) : null;
    if (alternate) response = await fetchOne(alternate, options?.signal);
    return toRemoteDocument(response);
  };
}

function isSuccess(response: FetchedResponse): boolean {
  return response.status >= 200 && response.status <= 299;
}

function toRemoteDocument(response: FetchedResponse): RemoteDocument {
  const documentUrl = response.url.href;
  if (!isSuccess(response) || !response.body) {
    // The status (and a 404's small body, which may be a Tombstone) go with the error, so
    // callers can tell "deleted" from "unavailable".
    throw new FetchError(
      documentUrl,
      `HTTP ${response.status}: ${documentUrl}`,
      new Response(isSuccess(response) || !response.body ? null : new Uint8Array(response.body), {
        status: response.status,
        headers: { "content-type": response.headers["content-type"] ?? "text/plain" },
      }),
    );
  }
  const type = response.headers["content-type"];
  if (!isActivityPubMediaType(type)) {
    throw new FetchError(
      documentUrl,
      `${documentUrl} was served as ${type ?? "no content type"}, not as an ActivityPub document.`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(response.body.toString("utf8"));
  } catch {
    throw new FetchError(documentUrl, `${documentUrl} is not valid JSON.`);
  }
  if (!document || typeof document !== "object" || Array.isArray(document)) {
    throw new FetchError(documentUrl, `${documentUrl} is not a JSON object.`);
  }
  // documentUrl is where the document was found after redirects: fetchRemoteObject (like
  // Fedify's lookupObject) compares the document's id with it, so a redirect to another
  // origin cannot speak for the requested URL.
  return { contextUrl: null, document: withSecurityContext(document), documentUrl };
}

/** The same-origin ActivityPub alternate a non-ActivityPub answer links to, if any. */
function alternateOf(response: FetchedResponse): string | null {
  if (isActivityPubMediaType(response.headers["content-type"])) return null;
  const header = response.headers.link;
  if (!header) return null;
  const link = Array.isArray(header) ? header.join(", ") : header;
  for (const match of link.matchAll(/<([^>]*)>([^,]*)/g)) {
    const params = match[2]!;
    if (!/;\s*rel="?alternate"?/i.test(params)) continue;
    const type = /;\s*type="([^"]*)"|;\s*type=([^;\s]+)/i.exec(params);
    if (!isActivityPubMediaType(type?.[1] ?? type?.[2])) continue;
    let target: URL;
    try {
      target = new URL(match[1]!, response.url);
    } catch {
      continue;
    }
    if (target.origin === response.url.origin && target.href !== response.url.href) {
      return target.href;
    }
  }
  return null;
}

/** HTTP signature headers (draft-cavage, which every common server verifies) for a GET of `url`. */
async function signatureHeaders(url: URL, key: SigningKey): Promise<Record<string, string>> {
  const signed = await signRequest(
    new Request(url, { headers: { Accept: ACTIVITY_PUB_ACCEPT } }),
    key.privateKey,
    key.keyId,
    { spec: "draft-cavage-http-signatures-12" },
  );
  // Every header the signature covers (accept, host, date) is sent exactly as signed.
  return Object.fromEntries(signed.headers);
}
