import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { PrivateAddressError } from "./address-policy.ts";
import { guardedLookup } from "./guarded-lookup.ts";
import type { OutboundPolicy } from "./policy.ts";

// POSTs to other servers' inboxes, within the outbound policy: the address checked as each
// connection is made (a literal address before any socket opens), one timeout over the whole
// exchange, and the answer's body read only up to a small cap. A fan-out sends to the same
// servers again and again, so connections are kept alive, but only in agents of this module's
// own: every socket in their pools was opened through the guarded lookup, so a reused
// connection is one whose address was checked (unlike a shared pool, which code that never
// checked an address could have filled).

/** The most of an inbox's answer that is read; it is only ever a status line or an error. */
const MAX_ANSWER_BYTES = 64 * 1024;
/**
 * Connections open to one server at once. A burst to one large server queues behind these,
 * and the timeout counts from the queueing, so they are a quarter of the deliveries in flight.
 */
const SOCKETS_PER_HOST = 16;
/** Idle connections kept per server between deliveries. */
const FREE_SOCKETS_PER_HOST = 2;
/** How long an idle connection is kept before it is closed. */
const IDLE_MS = 15_000;

/** An inbox's answer to a POST. */
export interface PostAnswer {
  status: number;
  /** The start of the body (at most 64 KiB), for a log line when the delivery failed. */
  body: string;
}

/** Sends one POST; rejects with PrivateAddressError, a timeout, or the connection's error. */
export type GuardedPost = (
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
) => Promise<PostAnswer>;

/** A POST function bound to `policy`, with its own pools of address-checked connections. */
export function guardedPoster(policy: OutboundPolicy): GuardedPost {
  const options = {
    keepAlive: true,
    maxSockets: SOCKETS_PER_HOST,
    maxFreeSockets: FREE_SOCKETS_PER_HOST,
    timeout: IDLE_MS,
    lookup: guardedLookup(policy.resolve, policy.isAllowed),
  };
  const agents = { "http:": new HttpAgent(options), "https:": new HttpsAgent(options) };
  return (url, headers, body) => {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return Promise.reject(new Error(`Only http:// and https:// inboxes are posted to (${url})`));
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (isIP(host) !== 0 && !policy.isAllowed(host)) {
      return Promise.reject(new PrivateAddressError(url.hostname, host));
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<PostAnswer>((resolve, reject) => {
      const request = send(url, {
        method: "POST",
        headers: { ...headers, "User-Agent": policy.userAgent, "Content-Length": body.length },
        agent: agents[url.protocol as "http:" | "https:"],
        lookup: options.lookup,
      });
      const timer = setTimeout(() => {
        request.destroy(new Error(`No answer from ${url.host} within ${policy.timeoutMs} ms`));
      }, policy.timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      request.on("error", fail);
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            // An answer this long is not an inbox's: drop the connection rather than read on.
            request.destroy(
              new Error(`The answer from ${url.host} is over ${MAX_ANSWER_BYTES} bytes`),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on("error", fail);
        response.on("close", () => {
          if (!response.complete) fail(new Error(`${url.host} closed the connection mid-answer`));
        });
        response.on("end", () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
      });
      request.end(body);
    });
  };
}
