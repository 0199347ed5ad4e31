import { isActor } from "@fedify/vocab";
import { validatePublicUrl } from "@fedify/vocab-runtime";
import { type ActorRow, findActorByIri, upsertRemoteActor } from "../domain/actors.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { refreshRemotePerson } from "./people.ts";
import { refreshRemoteGroup } from "./subcommunities.ts";
import { remoteActorData } from "./vocab/actors.ts";

const log = logger("federation", "lookup");
const WEBFINGER_TIMEOUT_MS = 10_000;
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
  const url = new URL(`${scheme}://${host}/.well-known/webfinger`);
  url.searchParams.set("resource", `acct:${name}@${host}`);
  if (!config.allowPrivateAddress) {
    try {
      await validatePublicUrl(url.href);
    } catch {
      throw new LookupError(`${host} is not a public address`);
    }
  }
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Accept: "application/jrd+json, application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(WEBFINGER_TIMEOUT_MS),
    });
  } catch (error) {
    log.info("WebFinger for {name}@{host} failed: {error}", { name, host, error });
    throw new LookupError(`Could not reach ${host}`);
  }
  if (response.status === 404) throw new LookupError(`${host} has no one called ${name}`);
  if (!response.ok) throw new LookupError(`${host} answered with an error (${response.status})`);
  const body = await response.text();
  if (body.length > MAX_JRD_BYTES) throw new LookupError(`${host} sent an oversized answer`);
  let jrd: { links?: { rel?: string; type?: string; href?: string }[] };
  try {
    jrd = JSON.parse(body);
  } catch {
    throw new LookupError(`${host} sent an answer that is not JSON`);
  }
  const self = jrd.links?.find(
    (l) =>
      l.rel === "self" &&
      (l.type === "application/activity+json" || l.type?.startsWith("application/ld+json")) &&
      typeof l.href === "string",
  );
  if (!self?.href) throw new LookupError(`${host} does not publish ${name} over ActivityPub`);
  return self.href;
}

/** Fetches an actor document by id (signed by the instance actor) and stores it. */
export async function fetchAndStoreActor(ctx: CopseContext, iri: string): Promise<ActorRow> {
  const documentLoader = await ctx.getDocumentLoader({ identifier: "instance" });
  let object: unknown;
  try {
    object = await ctx.lookupObject(iri, { documentLoader });
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
