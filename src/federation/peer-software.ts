import type { Config } from "../config.ts";
import { logger } from "../logging.ts";
import { type FetchedResponse, guardedFetch } from "./outbound/guarded-fetch.ts";
import { type OutboundPolicy, outboundPolicy } from "./outbound/policy.ts";

// Which software a server runs, read from its NodeInfo (FEP-f1d5): /.well-known/nodeinfo links
// to a schema 2.x document whose `software.name` names it ("copse", "lemmy", "nodebb"...).
// Asked when a private community that accepts only Copse instances hears a request to join.
// Answers are cached so a burst of requests from one server costs one look-up.

const log = logger("federation", "peer-software");

const MAX_NODEINFO_BYTES = 64 * 1024;
/** How long a server's answer is believed. */
const KNOWN_TTL_MS = 60 * 60 * 1000;
/** How long "could not tell" is remembered, so a dead server is not asked on every request. */
const UNKNOWN_TTL_MS = 10 * 60 * 1000;
const NODEINFO_REL = /^https?:\/\/nodeinfo\.diaspora\.software\/ns\/schema\/2\.[0-9]+$/;

const cache = new Map<string, { software: string | null; until: number }>();

/** Forgets every cached answer (tests start each case from nothing). */
export function forgetPeerSoftware(): void {
  cache.clear();
}

/** The lower-cased NodeInfo software name of the server at `origin`, or null when it cannot be told. */
export async function peerSoftware(
  config: Pick<Config, "allowPrivateAddress" | "origin" | "fetchMaxBytes">,
  origin: string,
): Promise<string | null> {
  const cached = cache.get(origin);
  if (cached && cached.until > Date.now()) return cached.software;
  const software = await fetchSoftware(outboundPolicy(config), origin);
  cache.set(origin, {
    software,
    until: Date.now() + (software ? KNOWN_TTL_MS : UNKNOWN_TTL_MS),
  });
  return software;
}

async function fetchSoftware(policy: OutboundPolicy, origin: string): Promise<string | null> {
  try {
    const index = await fetchJson(policy, new URL("/.well-known/nodeinfo", origin));
    const links = Array.isArray(index?.links) ? (index.links as unknown[]) : [];
    const href = links
      .filter((l): l is { rel: string; href: string } => isLink(l) && NODEINFO_REL.test(l.rel))
      .map((l) => l.href)
      .sort()
      .pop();
    if (!href) return null;
    const url = new URL(href, origin);
    // A server describes itself: a document on another host says nothing about this one.
    if (url.host !== new URL(origin).host) return null;
    const document = await fetchJson(policy, url);
    const software = document?.software as { name?: unknown } | undefined;
    return typeof software?.name === "string" ? software.name.trim().toLowerCase() : null;
  } catch (error) {
    log.info("Could not read the NodeInfo of {origin}: {error}", { origin, error });
    return null;
  }
}

function isLink(value: unknown): value is { rel: string; href: string } {
  const link = value as { rel?: unknown; href?: unknown } | null;
  return typeof link?.rel === "string" && typeof link.href === "string";
}

async function fetchJson(
  policy: OutboundPolicy,
  url: URL,
): Promise<Record<string, unknown> | null> {
  const response: FetchedResponse = await guardedFetch(url, {
    policy,
    headers: { Accept: "application/json" },
    maxBytes: MAX_NODEINFO_BYTES,
  });
  if (response.status !== 200 || !response.body) return null;
  const parsed: unknown = JSON.parse(response.body.toString("utf8"));
  return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
}
