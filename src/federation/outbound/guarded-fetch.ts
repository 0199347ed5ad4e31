import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { PrivateAddressError } from "./address-policy.ts";
import { readCapped } from "./capped-body.ts";
import { OutboundFetchError } from "./fetch-errors.ts";
import { guardedGet } from "./guarded-get.ts";
import type { OutboundPolicy } from "./policy.ts";

// The one way Copse fetches from another server (news feeds, WebFinger, ActivityPub documents,
// JSON-LD contexts). Every request is fenced in: http(s) only; the address policy checked as
// each connection is made, so a DNS answer cannot change between check and connect; redirects
// followed by hand and each hop checked again; one timeout over the whole exchange; and a cap
// on the bytes read, counted after decompression.

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** How much of a 404's body is read, to find a Tombstone. */
const NOT_FOUND_BODY_BYTES = 64 * 1024;

/** What a guarded fetch came back with. */
export interface FetchedResponse {
  /** The address that answered, after redirects. */
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  /**
   * The decompressed body of a 2xx answer, or of a 404 (at most 64 KiB) when asked for; null
   * for any other status (it is not read).
   */
  body: Buffer | null;
}

/** How one guarded fetch is made. */
export interface GuardedFetchOptions {
  policy: OutboundPolicy;
  /** Headers sent on every hop (User-Agent is added). */
  headers: Record<string, string>;
  /** More headers for one hop, e.g. an HTTP signature, which covers that hop's URL. */
  headersFor?: (url: URL) => Promise<Record<string, string>>;
  /** The caller's own cancellation, on top of the policy's timeout. */
  signal?: AbortSignal;
  /**
   * Reads a 404's body too (at most 64 KiB), for callers that look for a Tombstone in it;
   * otherwise only a 2xx answer has a body.
   */
  readNotFoundBody?: boolean;
  /** A tighter byte cap than the policy's, e.g. for WebFinger answers. */
  maxBytes?: number;
}

/** GETs `url` within the policy's limits; throws an OutboundFetchError that says what went wrong. */
export async function guardedFetch(
  url: string | URL,
  options: GuardedFetchOptions,
): Promise<FetchedResponse> {
  const { policy } = options;
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const failed = (error: unknown): never => {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      throw new OutboundFetchError({ reason: "timeout", timeoutMs: policy.timeoutMs });
    }
    throw error;
  };
  let current = parseUrl(url);
  for (let hop = 0; ; hop++) {
    const headers = {
      ...options.headers,
      "Accept-Encoding": "gzip, br",
      "User-Agent": policy.userAgent,
      ...(options.headersFor ? await options.headersFor(current) : {}),
    };
    let response: IncomingMessage;
    try {
      response = await guardedGet(current, {
        headers,
        signal,
        resolve: policy.resolve,
        isAllowed: policy.isAllowed,
      });
    } catch (error) {
      if (error instanceof PrivateAddressError) {
        throw new OutboundFetchError({ reason: "private-address", hostname: current.hostname });
      }
      return failed(connectionError(error, current));
    }
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      response.destroy();
      if (hop >= policy.maxRedirects) {
        throw new OutboundFetchError({
          reason: "too-many-redirects",
          maxRedirects: policy.maxRedirects,
        });
      }
      const location = response.headers.location;
      if (!location) throw new OutboundFetchError({ reason: "redirect-without-location" });
      current = parseUrl(location, current);
      continue;
    }
    if (status === 404 && options.readNotFoundBody) {
      // A 404 may carry a Tombstone, the one proof that an object was deleted rather than
      // merely unreachable (src/federation/origin-fetch.ts); it is read, but capped small.
      const body = await readCapped(response, NOT_FOUND_BODY_BYTES).catch(() => null);
      if (!body) response.destroy();
      return { url: current, status, headers: response.headers, body };
    }
    if (status < 200 || status > 299) {
      response.destroy();
      return { url: current, status, headers: response.headers, body: null };
    }
    try {
      const body = await readCapped(response, options.maxBytes ?? policy.maxBytes);
      return { url: current, status, headers: response.headers, body };
    } catch (error) {
      if (error instanceof OutboundFetchError) throw error;
      if (/^Z_/.test((error as { code?: string } | null)?.code ?? "")) {
        return failed(new OutboundFetchError({ reason: "bad-compression" }));
      }
      return failed(new OutboundFetchError({ reason: "broken-body", host: current.host }));
    }
  }
}

function parseUrl(value: string | URL, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    throw new OutboundFetchError({ reason: "bad-redirect" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OutboundFetchError({ reason: "scheme", url: url.href });
  }
  return url;
}

/** A failure to connect, told apart by Node's error code where there is one. */
function connectionError(error: unknown, url: URL): OutboundFetchError {
  const code = (error as { code?: string } | null)?.code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new OutboundFetchError({ reason: "host-not-found", hostname: url.hostname });
  }
  if (code === "ECONNREFUSED") {
    return new OutboundFetchError({ reason: "connection-refused", host: url.host });
  }
  return new OutboundFetchError({ reason: "connection-failed", host: url.host });
}
