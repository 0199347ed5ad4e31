import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { preparedQuery } from "../db/prepared.ts";
import { actorKeys, actors } from "../db/schema/index.ts";
import { ValidationError } from "./errors.ts";
import { localActorIri, localInboxIri, SHARED_INBOX_PATH } from "./paths.ts";

/** A row of the actors table. */
export type ActorRow = typeof actors.$inferSelect;
/** Kinds of actor Copse stores. */
export type ActorType = ActorRow["type"];

// Handles of local people and communities share one namespace (both answer WebFinger), and a
// few words are kept back so nobody can impersonate the instance or its staff.
const HANDLE_PATTERN = /^[a-z0-9][a-z0-9_]{1,29}$/;
const RESERVED_HANDLES = new Set([
  "admin",
  "administrator",
  "instance",
  "root",
  "support",
  "help",
  "copse",
  "system",
  "moderator",
  "postmaster",
  "webmaster",
  "abuse",
  "security",
  "noreply",
  "nobody",
]);

/** Returns the problem with a proposed local handle, or null when it is acceptable. */
export function handleProblem(handle: string): string | null {
  if (!HANDLE_PATTERN.test(handle)) {
    return "Handle must be 2 to 30 characters: lower-case letters, numbers and underscores, starting with a letter or number";
  }
  if (RESERVED_HANDLES.has(handle)) return `The handle "${handle}" is reserved; choose another`;
  return null;
}

/** Finds the local actor (person, community or the instance itself) with this handle. */
export function findLocalActor(db: Db, handle: string): ActorRow | undefined {
  return localActorByHandle(db).get({ handle });
}

const localActorByHandle = preparedQuery((db) =>
  db
    .select()
    .from(actors)
    .where(and(eq(actors.handle, sql.placeholder("handle")), eq(actors.isLocal, true)))
    .prepare(),
);

/** Finds any stored actor by its ActivityPub id. */
export function findActorByIri(db: Db, iri: string): ActorRow | undefined {
  return actorByIri(db).get({ iri });
}

// Every incoming activity looks up its sender, its object's author and its addressees by id.
const actorByIri = preparedQuery((db) =>
  db
    .select()
    .from(actors)
    .where(eq(actors.iri, sql.placeholder("iri")))
    .prepare(),
);

/**
 * How long a remote actor's stored copy stands in for its document. Incoming activities need
 * their sender and author; fetching them from their server for every activity made each one
 * wait on a signed round trip and parse the same profile again. Servers send an Update when a
 * profile changes, and after this long the next activity fetches the actor afresh.
 */
export const REMOTE_ACTOR_FRESH_MS = 60 * 60 * 1000;

/** The stored copy of a remote actor fetched within `REMOTE_ACTOR_FRESH_MS`, if any. */
export function findFreshRemoteActor(db: Db, iri: string, now = Date.now()): ActorRow | undefined {
  const row = findActorByIri(db, iri);
  if (!row || row.isLocal || row.deletedAt || !row.fetchedAt) return undefined;
  return now - row.fetchedAt.getTime() < REMOTE_ACTOR_FRESH_MS ? row : undefined;
}

/** Finds a stored actor by its database id. */
export function getActor(db: Db, id: number): ActorRow | undefined {
  return actorById(db).get({ id });
}

const actorById = preparedQuery((db) =>
  db
    .select()
    .from(actors)
    .where(eq(actors.id, sql.placeholder("id")))
    .prepare(),
);

/** Finds a stored remote actor by fediverse handle parts. */
export function findActorByHandle(db: Db, handle: string, host: string): ActorRow | undefined {
  return db
    .select()
    .from(actors)
    .where(and(eq(actors.handle, handle), eq(actors.host, host)))
    .get();
}

/** Inserts a new local actor; throws a ValidationError when the handle is taken or invalid. */
export function insertLocalActor(
  db: Db,
  origin: string,
  fields: {
    type: ActorType;
    handle: string;
    name: string;
    summary?: string;
    url: string;
    manuallyApprovesFollowers?: boolean;
  },
): ActorRow {
  const problem = handleProblem(fields.handle);
  if (problem) throw new ValidationError([{ field: "handle", message: problem }]);
  if (findLocalActor(db, fields.handle)) {
    throw new ValidationError([
      { field: "handle", message: `The handle "${fields.handle}" is already taken` },
    ]);
  }
  return insertActorRow(db, origin, fields);
}

/** Inserts the instance's own Application actor if it is missing, and returns it. */
export function ensureInstanceActor(
  db: Db,
  origin: string,
  handle: string,
  name: string,
): ActorRow {
  const existing = findLocalActor(db, handle);
  if (existing) return existing;
  return insertActorRow(db, origin, { type: "Application", handle, name, url: origin });
}

function insertActorRow(
  db: Db,
  origin: string,
  fields: {
    type: ActorType;
    handle: string;
    name: string;
    summary?: string;
    url: string;
    manuallyApprovesFollowers?: boolean;
  },
): ActorRow {
  const iri = localActorIri(origin, fields.handle);
  return db
    .insert(actors)
    .values({
      iri,
      type: fields.type,
      handle: fields.handle,
      host: new URL(origin).host,
      isLocal: true,
      name: fields.name,
      summary: fields.summary ?? "",
      url: fields.url,
      inboxUrl: localInboxIri(origin, fields.handle),
      sharedInboxUrl: `${origin}${SHARED_INBOX_PATH}`,
      followersUrl: `${iri}/followers`,
      manuallyApprovesFollowers: fields.manuallyApprovesFollowers ?? false,
    })
    .returning()
    .get();
}

/** What Copse keeps of a remote actor, already mapped from ActivityStreams. */
export interface RemoteActorData {
  iri: string;
  type: ActorType;
  handle: string;
  host: string;
  name: string;
  summary: string;
  url: string | null;
  inboxUrl: string | null;
  sharedInboxUrl: string | null;
  followersUrl: string | null;
  manuallyApprovesFollowers: boolean;
}

/** Stores or refreshes a remote actor by its id and returns the stored row. */
export function upsertRemoteActor(db: Db, data: RemoteActorData): ActorRow {
  const now = new Date();
  const existing = findActorByIri(db, data.iri);
  if (existing?.isLocal) return existing;
  if (existing) {
    return db
      .update(actors)
      .set({ ...data, fetchedAt: now })
      .where(eq(actors.id, existing.id))
      .returning()
      .get();
  }
  // A handle can move to a new actor id (an account re-created on its server); the newest
  // actor wins the handle so WebFinger-based look-ups stay right.
  const clash = findActorByHandle(db, data.handle, data.host);
  if (clash && !clash.isLocal) {
    // A new actor under an old handle is a new person, not the deleted one come back.
    return db
      .update(actors)
      .set({ ...data, fetchedAt: now, deletedAt: null })
      .where(eq(actors.id, clash.id))
      .returning()
      .get();
  }
  return db
    .insert(actors)
    .values({ ...data, isLocal: false, fetchedAt: now })
    .returning()
    .get();
}

/** A stored key pair of a local actor, as JWK JSON. */
export type StoredKeyPair = typeof actorKeys.$inferSelect;

/** Returns the stored key pairs of an actor (none until first needed). */
export function getActorKeys(db: Db, actorId: number): StoredKeyPair[] {
  return keysOfActor(db).all({ actorId });
}

// Read for every activity an actor sends and every fetch it signs.
const keysOfActor = preparedQuery((db) =>
  db
    .select()
    .from(actorKeys)
    .where(eq(actorKeys.actorId, sql.placeholder("actorId")))
    .prepare(),
);

/** Stores key pairs unless the actor already has keys of that algorithm (first writer wins). */
export function saveActorKeys(db: Db, pairs: StoredKeyPair[]): void {
  db.transaction((tx) => {
    for (const pair of pairs) tx.insert(actorKeys).values(pair).onConflictDoNothing().run();
  });
}
