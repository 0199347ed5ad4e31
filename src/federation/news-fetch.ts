import type { Config } from "../config.ts";
import { FeedError } from "../domain/news/errors.ts";
import type { FeedFetcher, FeedValidators, FetchOutcome } from "../domain/news/fetcher.ts";
import { isPublicAddress } from "./outbound/address-policy.ts";
import {
  describeFailure,
  formatBytes,
  type OutboundFailure,
  OutboundFetchError,
} from "./outbound/fetch-errors.ts";
import { type FetchedResponse, guardedFetch } from "./outbound/guarded-fetch.ts";
import { type AddressPolicy, type Resolver, systemResolver } from "./outbound/guarded-lookup.ts";
import type { OutboundPolicy } from "./outbound/policy.ts";

// Fetching a news feed means asking an address a facilitator typed, from inside the server's
// network. The fence (connect-time address checks, redirects by hand, a timeout, a byte cap) is
// the one every outbound request goes through, outbound/guarded-fetch.ts; this module adds what
// feeds need (conditional GET, charsets) and words each failure for the facilitator.

/** Limits for one feed fetch. */
export interface FeedFetchOptions {
  /** Lets feeds on loopback and private addresses through: development and tests only. */
  allowPrivateAddress: boolean;
  /** How long the whole fetch, body included, may take; 10 s by default. */
  timeoutMs?: number;
  /** The largest body read; 2 MiB by default. */
  maxBytes?: number;
  /** How many redirects are followed; 5 by default. */
  maxRedirects?: number;
  /** Sent as User-Agent, so feed owners can tell who is asking. */
  userAgent?: string;
  /** Resolves host names; the system resolver by default (tests inject their own DNS). */
  resolve?: Resolver;
  /**
   * Which addresses count as public when private ones are refused; the real policy by default.
   * Tests use it to stand a loopback address in for the internet.
   */
  isPublicAddress?: AddressPolicy;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const ACCEPT =
  "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";
const DEFAULT_USER_AGENT = "Copse news reader";

/** A FeedFetcher with these limits, for the domain's add and refresh functions. */
export function feedFetcher(options: FeedFetchOptions): FeedFetcher {
  return (url, validators) => fetchFeed(url, validators, options);
}

/** The fetcher the instance adds and refreshes feeds with, under its address policy. */
export function instanceFeedFetcher(config: Config): FeedFetcher {
  return feedFetcher({
    allowPrivateAddress: config.allowPrivateAddress,
    userAgent: `Copse news reader (+${config.origin})`,
  });
}

/** Fetches a feed's body within the limits; throws a FeedError that says what went wrong. */
export async function fetchFeed(
  url: string,
  validators: FeedValidators | undefined,
  options: FeedFetchOptions,
): Promise<FetchOutcome> {
  const policy: OutboundPolicy = {
    isAllowed: options.allowPrivateAddress
      ? () => true
      : (options.isPublicAddress ?? isPublicAddress),
    resolve: options.resolve ?? systemResolver,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
  };
  const headers: Record<string, string> = { Accept: ACCEPT };
  if (validators?.etag) headers["If-None-Match"] = validators.etag;
  if (validators?.lastModified) headers["If-Modified-Since"] = validators.lastModified;
  let response: FetchedResponse;
  try {
    response = await guardedFetch(url, { policy, headers });
  } catch (error) {
    if (error instanceof OutboundFetchError) throw feedError(error.failure);
    throw error;
  }
  const { status } = response;
  if (status === 304 && (validators?.etag || validators?.lastModified)) {
    return { status: "not-modified" };
  }
  if (!response.body) throw new FeedError(`The server answered with an error (HTTP ${status}).`);
  return {
    status: "fetched",
    body: decode(response.body, response.headers["content-type"] ?? null),
    url: response.url.href,
    etag: response.headers.etag ?? null,
    lastModified: response.headers["last-modified"] ?? null,
  };
}

/** A reason a facilitator can act on, in the words the news pages have always used. */
function feedError(failure: OutboundFailure): FeedError {
  switch (failure.reason) {
    case "scheme":
      return new FeedError("Feeds can only be fetched from http:// or https:// addresses.");
    case "private-address":
      return new FeedError(
        `${failure.hostname} is a private or local address. Only feeds on the public internet can be added.`,
      );
    case "broken-body":
      return new FeedError(`The connection to ${failure.host} broke while reading the feed.`);
    case "too-large":
      return new FeedError(`The feed is too large (more than ${formatBytes(failure.maxBytes)}).`);
    case "bad-compression":
      return new FeedError("The server sent a compressed feed that could not be decompressed.");
    case "unknown-encoding":
      return new FeedError(
        `The server sent the feed in an encoding we cannot read (${failure.encoding}).`,
      );
    default:
      return new FeedError(describeFailure(failure));
  }
}

/** Text from bytes, in the charset the server or the XML declaration names (UTF-8 otherwise). */
function decode(bytes: Uint8Array, contentType: string | null): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? "")?.[1];
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const fromDeclaration = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  for (const label of [fromHeader, fromDeclaration, "utf-8"]) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // An unknown charset name: try the next candidate.
    }
  }
  return new TextDecoder().decode(bytes);
}
