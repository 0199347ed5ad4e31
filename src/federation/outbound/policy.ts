import type { Config } from "../../config.ts";
import { COPSE_VERSION } from "../../version.ts";
import { isPublicAddress } from "./address-policy.ts";
import { type AddressPolicy, type Resolver, systemResolver } from "./guarded-lookup.ts";

// The limits every request Copse makes to another server lives under: which addresses it may
// reach, how many bytes and how much time one answer may take, and how many redirects it
// follows. One policy per instance, built from its configuration.

/** Limits and seams for outbound requests. */
export interface OutboundPolicy {
  /** Which addresses may be connected to (checked as each connection is made). */
  isAllowed: AddressPolicy;
  /** Resolves host names; the system resolver unless a test injects its own DNS. */
  resolve: Resolver;
  /** Sent as User-Agent, so other servers can tell who is asking. */
  userAgent: string;
  /** The largest body read, counted after decompression. */
  maxBytes: number;
  /** How long one fetch (every redirect and the body included) may take. */
  timeoutMs: number;
  /** How many redirects are followed. */
  maxRedirects: number;
}

/** How long a federation fetch may take: long enough for a slow server, short for an inbox. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** At most five redirects, as browsers and Fedify allow for documents. */
export const DEFAULT_MAX_REDIRECTS = 5;

/** Options for {@link outboundPolicy}: tests stand a loopback address in for the internet. */
export interface PolicyOverrides {
  resolve?: Resolver;
  /** Which addresses count as public when private ones are refused. */
  isPublicAddress?: AddressPolicy;
  timeoutMs?: number;
  maxBytes?: number;
}

/** The instance's outbound policy: private addresses only where the configuration allows them. */
export function outboundPolicy(
  config: Pick<Config, "allowPrivateAddress" | "origin" | "fetchMaxBytes">,
  overrides: PolicyOverrides = {},
): OutboundPolicy {
  return {
    isAllowed: config.allowPrivateAddress
      ? () => true
      : (overrides.isPublicAddress ?? isPublicAddress),
    resolve: overrides.resolve ?? systemResolver,
    userAgent: `Copse/${COPSE_VERSION} (+${config.origin})`,
    maxBytes: overrides.maxBytes ?? config.fetchMaxBytes,
    timeoutMs: overrides.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRedirects: DEFAULT_MAX_REDIRECTS,
  };
}
