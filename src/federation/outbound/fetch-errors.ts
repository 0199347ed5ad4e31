// Why an outbound request failed, as data: each caller words it for its own readers (a
// facilitator adding a news feed, a member looking up a handle, a log line for an inbox).

/** What went wrong with one guarded request. */
export type OutboundFailure =
  | { reason: "scheme"; url: string }
  | { reason: "bad-redirect" }
  | { reason: "redirect-without-location" }
  | { reason: "too-many-redirects"; maxRedirects: number }
  | { reason: "private-address"; hostname: string }
  | { reason: "timeout"; timeoutMs: number }
  | { reason: "host-not-found"; hostname: string }
  | { reason: "connection-refused"; host: string }
  | { reason: "connection-failed"; host: string }
  | { reason: "broken-body"; host: string }
  | { reason: "too-large"; maxBytes: number }
  | { reason: "bad-compression" }
  | { reason: "unknown-encoding"; encoding: string };

/** Raised by the guarded fetcher instead of connecting, reading on, or following further. */
export class OutboundFetchError extends Error {
  constructor(readonly failure: OutboundFailure) {
    super(describeFailure(failure));
    this.name = "OutboundFetchError";
  }
}

/** A plain English account of a failure, for logs. */
export function describeFailure(failure: OutboundFailure): string {
  switch (failure.reason) {
    case "scheme":
      return `Only http:// and https:// addresses are fetched (not ${failure.url}).`;
    case "bad-redirect":
      return "The server redirected to an address that is not valid.";
    case "redirect-without-location":
      return "The server sent a redirect without saying where to.";
    case "too-many-redirects":
      return `The address redirects too many times (more than ${failure.maxRedirects}).`;
    case "private-address":
      return `${failure.hostname} is a private or local address.`;
    case "timeout":
      return `The server took too long to answer (more than ${formatDuration(failure.timeoutMs)}).`;
    case "host-not-found":
      return `We could not find a server called ${failure.hostname}.`;
    case "connection-refused":
      return `${failure.host} refused the connection.`;
    case "connection-failed":
      return `We could not connect to ${failure.host}.`;
    case "broken-body":
      return `The connection to ${failure.host} broke while reading the answer.`;
    case "too-large":
      return `The answer is too large (more than ${formatBytes(failure.maxBytes)}).`;
    case "bad-compression":
      return "The server sent a compressed answer that could not be decompressed.";
    case "unknown-encoding":
      return `The server sent the answer in an encoding we cannot read (${failure.encoding}).`;
  }
}

/** "10 seconds" or "300 milliseconds". */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} seconds` : `${ms} milliseconds`;
}

/** "2 MiB", "256 KiB" or "512 bytes". */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MiB`
    : bytes >= 1024
      ? `${Math.round(bytes / 1024)} KiB`
      : `${bytes} bytes`;
}
