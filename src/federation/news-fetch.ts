import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Config } from "../config.ts";
import { FeedError } from "../domain/news/errors.ts";
import type { FeedFetcher, FeedValidators, FetchOutcome } from "../domain/news/fetcher.ts";
import { isPublicAddress, PrivateAddressError } from "./address-policy.ts";
import { guardedGet } from "./guarded-get.ts";
import { type AddressPolicy, type Resolver, systemResolver } from "./guarded-lookup.ts";

// Fetching a news feed means asking an address a facilitator typed, from inside the server's
// network, so every request is fenced in: http(s) only; private, loopback, link-local and other
// non-public addresses refused unless the instance allows them for development, checked as each
// connection is made (so a DNS answer cannot change between check and connect); redirects
// followed by hand, at most five, each hop checked again; a timeout over the whole exchange; and
// a cap on the bytes read, counted after decompression.

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
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
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
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const signal = AbortSignal.timeout(timeoutMs);
  const headers: Record<string, string> = {
    Accept: ACCEPT,
    "Accept-Encoding": "gzip, br",
    "User-Agent": options.userAgent ?? DEFAULT_USER_AGENT,
  };
  if (validators?.etag) headers["If-None-Match"] = validators.etag;
  if (validators?.lastModified) headers["If-Modified-Since"] = validators.lastModified;
  const resolve = options.resolve ?? systemResolver;
  const isAllowed: AddressPolicy = options.allowPrivateAddress
    ? () => true
    : (options.isPublicAddress ?? isPublicAddress);
  const timedOut = () =>
    new FeedError(
      `The server took too long to answer (more than ${
        timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} seconds` : `${timeoutMs} milliseconds`
      }).`,
    );

  let current = parseUrl(url);
  for (let hop = 0; ; hop++) {
    let response: IncomingMessage;
    try {
      response = await guardedGet(current, { headers, signal, resolve, isAllowed });
    } catch (error) {
      if (error instanceof PrivateAddressError) throw privateAddress(current);
      if (signal.aborted) throw timedOut();
      throw connectionError(error, current);
    }
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      response.destroy();
      if (hop >= maxRedirects) {
        throw new FeedError(`The address redirects too many times (more than ${maxRedirects}).`);
      }
      const location = response.headers.location;
      if (!location) throw new FeedError("The server sent a redirect without saying where to.");
      current = parseUrl(location, current);
      continue;
    }
    if (status === 304 && (validators?.etag || validators?.lastModified)) {
      response.destroy();
      return { status: "not-modified" };
    }
    if (status < 200 || status > 299) {
      response.destroy();
      throw new FeedError(`The server answered with an error (HTTP ${status}).`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readCapped(response, maxBytes);
    } catch (error) {
      if (error instanceof FeedError) throw error;
      if (signal.aborted) throw timedOut();
      if (/^Z_/.test((error as { code?: string } | null)?.code ?? "")) {
        throw new FeedError("The server sent a compressed feed that could not be decompressed.");
      }
      throw new FeedError(`The connection to ${current.host} broke while reading the feed.`);
    }
    return {
      status: "fetched",
      body: decode(bytes, response.headers["content-type"] ?? null),
      url: current.href,
      etag: response.headers.etag ?? null,
      lastModified: response.headers["last-modified"] ?? null,
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

/** The message for a host that is, or resolves to, an address that is not public. */
function privateAddress(url: URL): FeedError {
  return new FeedError(
    `${url.hostname} is a private or local address. Only feeds on the public internet can be added.`,
  );
}

/** A user-facing reason for a failed connection, from Node's error code where there is one. */
function connectionError(error: unknown, url: URL): FeedError {
  const code = (error as { code?: string } | null)?.code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new FeedError(`We could not find a server called ${url.hostname}.`);
  }
  if (code === "ECONNREFUSED") return new FeedError(`${url.host} refused the connection.`);
  return new FeedError(`We could not connect to ${url.host}.`);
}

/** Reads the body, giving up as soon as it passes the cap (a declared length is checked first). */
async function readCapped(response: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new FeedError(`The feed is too large (more than ${formatBytes(maxBytes)}).`);
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const body = decompressed(response);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      total += buffer.byteLength;
      // Counted after decompression, so a small gzip bomb stops at the cap like a large body.
      if (total > maxBytes) throw tooLarge();
      chunks.push(buffer);
    }
  } finally {
    // Dropping the connection rather than draining it: the rest may never end.
    if (total > maxBytes || !response.complete) response.destroy();
  }
  return Buffer.concat(chunks, total);
}

/** The body as sent before any Content-Encoding; unknown encodings are refused. */
function decompressed(response: IncomingMessage): Readable {
  const encoding = (response.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding === "identity" || encoding === "") return response;
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "br"
        ? createBrotliDecompress()
        : encoding === "deflate"
          ? createInflate()
          : null;
  if (!decoder) {
    response.destroy();
    throw new FeedError(`The server sent the feed in an encoding we cannot read (${encoding}).`);
  }
  response.on("error", (error) => decoder.destroy(error));
  return response.pipe(decoder);
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
