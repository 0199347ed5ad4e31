import { validatePublicUrl } from "@fedify/vocab-runtime";
import type { Config } from "../config.ts";
import { FeedError } from "../domain/news/errors.ts";
import type { FeedFetcher, FeedValidators, FetchOutcome } from "../domain/news/fetcher.ts";

// Fetching a news feed means asking an address a facilitator typed, from inside the server's
// network, so every request is fenced in: http(s) only; private, loopback and link-local
// addresses refused (with Fedify's check, which resolves the name and tests every address)
// unless the instance allows them for development; redirects followed by hand, at most five,
// each re-checked; a timeout over the whole exchange; and a cap on the bytes read.

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
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ACCEPT =
  "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";

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
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const signal = AbortSignal.timeout(timeoutMs);
  const headers: Record<string, string> = { Accept: ACCEPT };
  if (options.userAgent) headers["User-Agent"] = options.userAgent;
  if (validators?.etag) headers["If-None-Match"] = validators.etag;
  if (validators?.lastModified) headers["If-Modified-Since"] = validators.lastModified;
  const timedOut = () =>
    new FeedError(
      `The server took too long to answer (more than ${
        timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} seconds` : `${timeoutMs} milliseconds`
      }).`,
    );

  let current = parseUrl(url);
  for (let hop = 0; ; hop++) {
    await checkAddress(current, options.allowPrivateAddress);
    let response: Response;
    try {
      response = await fetch(current, { headers, redirect: "manual", signal });
    } catch (error) {
      if (signal.aborted) throw timedOut();
      throw connectionError(error, current);
    }
    if (REDIRECTS.has(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      if (hop >= maxRedirects) {
        throw new FeedError(`The address redirects too many times (more than ${maxRedirects}).`);
      }
      const location = response.headers.get("location");
      if (!location) throw new FeedError("The server sent a redirect without saying where to.");
      current = parseUrl(location, current);
      continue;
    }
    if (response.status === 304 && (validators?.etag || validators?.lastModified)) {
      await response.body?.cancel().catch(() => undefined);
      return { status: "not-modified" };
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new FeedError(`The server answered with an error (HTTP ${response.status}).`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readCapped(response, maxBytes);
    } catch (error) {
      if (error instanceof FeedError) throw error;
      if (signal.aborted) throw timedOut();
      throw new FeedError(`The connection to ${current.host} broke while reading the feed.`);
    }
    return {
      status: "fetched",
      body: decode(bytes, response.headers.get("content-type")),
      url: current.href,
      etag: response.headers.get("etag"),
      lastModified: response.headers.get("last-modified"),
    };
  }
}

function parseUrl(value: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    throw new FeedError("The server redirected to an address that is not valid.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FeedError("Feeds can only be fetched from http:// or https:// addresses.");
  }
  return url;
}

/** Refuses private and local addresses unless the instance allows them (development only). */
async function checkAddress(url: URL, allowPrivateAddress: boolean): Promise<void> {
  if (allowPrivateAddress) return;
  try {
    await validatePublicUrl(url.href);
  } catch (error) {
    if (error instanceof Error && /DNS lookup failed/i.test(error.message)) {
      throw new FeedError(`We could not find a server called ${url.hostname}.`);
    }
    throw new FeedError(
      `${url.hostname} is a private or local address. Only feeds on the public internet can be added.`,
    );
  }
}

/** A user-facing reason for a failed connection, from Node's error code where there is one. */
function connectionError(error: unknown, url: URL): FeedError {
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new FeedError(`We could not find a server called ${url.hostname}.`);
  }
  if (code === "ECONNREFUSED") return new FeedError(`${url.host} refused the connection.`);
  return new FeedError(`We could not connect to ${url.host}.`);
}

/** Reads the body, giving up as soon as it passes the cap (a declared length is checked first). */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new FeedError(`The feed is too large (more than ${formatBytes(maxBytes)}).`);
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
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

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MiB`
    : bytes >= 1024
      ? `${Math.round(bytes / 1024)} KiB`
      : `${bytes} bytes`;
}
