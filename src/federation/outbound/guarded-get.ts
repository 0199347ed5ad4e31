import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { PrivateAddressError } from "./address-policy.ts";
import { type AddressPolicy, guardedLookup, type Resolver } from "./guarded-lookup.ts";

// One HTTP(S) GET whose connection can only reach allowed addresses. A name is checked inside
// the socket's lookup (see guarded-lookup.ts); a literal address never goes through a lookup, so
// it is checked here before any socket opens. Each request gets a connection of its own: a
// pooled keep-alive socket could have been opened by code that never checked its address.

/** How one guarded GET is made. */
export interface GuardedGetOptions {
  headers: Record<string, string>;
  /** Aborts the request and its body (the caller's timeout). */
  signal: AbortSignal;
  resolve: Resolver;
  isAllowed: AddressPolicy;
}

/** Sends a GET to `url` and resolves with the response, its body not yet read. */
export function guardedGet(url: URL, options: GuardedGetOptions): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) !== 0 && !options.isAllowed(host)) {
    return Promise.reject(new PrivateAddressError(url.hostname, host));
  }
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: "GET",
        headers: options.headers,
        signal: options.signal,
        lookup: guardedLookup(options.resolve, options.isAllowed),
        agent: false,
      },
      resolve,
    );
    request.on("error", reject);
    request.end();
  });
}
