import { isActor } from "@fedify/vocab";
import { type ActorRow, findActorByIri, upsertRemoteActor } from "../domain/actors.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { OutboundFetchError } from "./outbound/fetch-errors.ts";
import { type FetchedResponse, guardedFetch } from "./outbound/guarded-fetch.ts";
import { isActivityPubMediaType } from "./outbound/media-types.ts";
import { type OutboundPolicy, outboundPolicy } from "./outbound/policy.ts";
import { refreshRemotePerson } from "./people.ts";
import { fetchRemoteObject } from "./remote-object.ts";
import { refreshRemoteGroup } from "./subcommunities.ts";
import { remoteActorData } from "./vocab/actors.ts";

const log = logger("federation", "lookup");
const MAX_JRD_BYTES = 256 * 1024;

/** Why a handle or URL could not be turned into an actor; the message is fit for users. */
export class LookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LookupError";
  }
}

/** Splits `@name@host`, `name@host` or `acct:name@host` into its parts, or returns null. */
export function parseHandle(input: string): { name: string; host: string } | null {
  const match = /^(?:acct:)?@?([^@\s/]+)@([a-z0-9.-]+(?::\d+)?)$/i.exec(input.trim());
  if (!match) return null;
  return { name: match[1]!, host: match[2]!.toLowerCase() };
}

/**
 * Finds the actor id behind a fediverse handle with WebFinger. Fedify's own handle look-up
 * always uses https; in development and tests (private addresses allowed, http origin) the
 * instances speak plain http, so this uses the local instance's scheme there.
 */
export async function webFingerActorIri(
  ctx: CopseContext,
  name: string,
  host: string,
): Promise<string> {
  const { config } = ctx.data;
  const scheme = config.allowPrivateAddress && config.origin.startsWith("http:") ? "http" : "https";
  return actorIriByWebFinger(name, host, scheme, outboundPolicy(config));
}

/**
 * Asks `host` for the actor id of `name` over WebFinger, through the guarded fetcher: the
 * address is checked as the connection is made (not looked up once and connected to later, a
 * gap DNS rebinding walks through), redirects are followed and checked hop by hop, and the
 * answer is capped in bytes and time.
 */
export async function actorIriByWebFinger(
  name: string,
  host: string,
  scheme: "http" | "https",
  policy: OutboundPolicy,
): Promise<string> {
  const url = new URL(`${scheme}://${host}/.well-known/webfinger`);
  url.searchParams.set("resource", `acct:${name}@${host}`);
  let response: FetchedResponse;
  try {
    response = await guardedFetch(url, {
      policy,
      headers: { Accept: "application/jrd+json, application/json" },
      maxBytes: MAX_JRD_BYTES,
    });
  } catch (error) {
    log.info("WebFinger for {name}@{host} failed: {error}", { name, host, error });
    if (error instanceof OutboundFetchError) {
      switch (error.failure.reason) {
        case "private-address":
          throw new LookupError(`${host} is not a public address`);
        case "too-large":
          throw new LookupError(`${host} sent an oversized answer`);
      }
    }
    throw new LookupError(`Could not reach ${host}`);
  }
  if (response.status === 404) throw new LookupError(`${host} has no one called ${name}`);
  if (!response.body) {
    throw new LookupError(`${host} answered with an error (${response.status})`);
  }
  let jrd: { links?: { rel?: string; type?: string; href?: string }[] };
  try {
    jrd = JSON.parse(response.body.toString("utf8"));
  } catch {
    throw new LookupError(`${host} sent an answer that is not JSON`);
  }
  const self = Array.isArray(jrd?.links)
    ? jrd.links.find(
        (l) => l?.rel === "self" && isActivityPubMediaType(l.type) && typeof l.href === "string",
      )
    : undefined;
  if (!self?.href) throw new LookupError(`${host} does not publish ${name} over ActivityPub`);
  return self.href;
}

/** Fetches an actor document by id (signed by the instance actor) and stores it. */
export async function fetchAndStoreActor(ctx: CopseContext, iri: string): Promise<ActorRow> {
  const documentLoader = await ctx.getDocumentLoader({ identifier: "instance" });
  let object: unknown;
  try {
    object = await fetchRemoteObject(ctx, iri, documentLoader);
  } catch (error) {
    log.info("Fetching {iri} failed: {error}", { iri, error });
    throw new LookupError(`Could not fetch ${iri}`);
  }
  if (!isActor(object)) throw new LookupError(`${iri} is not a person or community`);
  const data = remoteActorData(object);
  if (!data || data.iri !== new URL(iri).href) {
    throw new LookupError(`${iri} did not describe itself`);
  }
  const row = upsertRemoteActor(ctx.data.db, data);
  await refreshRemotePerson(ctx.data.db, row, object);
  await refreshRemoteGroup(ctx.data.db, row, object);
  return row;
}

/**
 * Turns what a user typed (a handle or an actor URL) into a stored actor, fetching it.
 * Local actors are answered from the database without any network traffic.
 */
export async function resolveActor(ctx: CopseContext, input: string): Promise<ActorRow> {
  const trimmed = input.trim();
  const handle = parseHandle(trimmed);
  let iri: string;
  if (handle) {
    iri = await webFingerActorIri(ctx, handle.name, handle.host);
  } else if (/^https?:\/\//i.test(trimmed)) {
    iri = trimmed;
  } else {
    throw new LookupError(
      "Enter a handle like @planning@council.example or an address starting https://",
    );
  }
  const known = findActorByIri(ctx.data.db, iri);
  if (known?.isLocal) return known;
  return fetchAndStoreActor(ctx, iri);
}
