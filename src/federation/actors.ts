import type { Context } from "@fedify/fedify";
import { exportJwk, generateCryptoKeyPair, importJwk } from "@fedify/fedify";
import { Application, Endpoints, Group, Person, Tombstone } from "@fedify/vocab";
import { type ActorRow, findLocalActor, getActorKeys, saveActorKeys } from "../domain/actors.ts";
import { isSuspendedHandle } from "../domain/admin/accounts.ts";
import { findCommunityByActorId } from "../domain/communities.ts";
import { ACTOR_PATH, INSTANCE_ACTOR } from "../domain/paths.ts";
import { getPersonProfile, listPersonTags } from "../domain/person-details.ts";
import { logger } from "../logging.ts";
import type { ContextData, CopseFederation } from "./context.ts";
import { rsaKeyPair } from "./keys.ts";
import { groupParentLinks } from "./subcommunities.ts";
import { groupSummary } from "./vocab/group-summary.ts";
import { withPostingRestriction } from "./vocab/lemmy-group.ts";
import { personExtras } from "./vocab/people.ts";
import { textToHtml } from "./vocab/text.ts";

const log = logger("federation", "actors");

/** Registers the actor dispatcher (Person, Group, instance Application) and its key pairs. */
export function registerActors(federation: CopseFederation): void {
  federation
    .setActorDispatcher(ACTOR_PATH, async (ctx, identifier) => {
      const row = findLocalActor(ctx.data.db, identifier);
      if (!row) return null;
      // A suspended person is gone as far as other servers can tell (Fedify answers 410), and
      // comes back unchanged if the suspension is lifted.
      if (row.type === "Person" && isSuspendedHandle(ctx.data.db, row.handle)) {
        return new Tombstone({ id: ctx.getActorUri(identifier) });
      }
      // A deleted account stays gone for good: 410 with a Tombstone saying when.
      if (row.deletedAt) {
        return new Tombstone({
          id: ctx.getActorUri(identifier),
          deleted: Temporal.Instant.fromEpochMilliseconds(row.deletedAt.getTime()),
        });
      }
      if (row.type === "Group") {
        // A community waiting for approval (or refused) is not federated; a deleted one is gone.
        const state = findCommunityByActorId(ctx.data.db, row.id)?.state;
        if (state === "pending" || state === "rejected") return null;
        if (state === "deleted") return new Tombstone({ id: ctx.getActorUri(identifier) });
      }
      return localActorObject(ctx, row);
    })
    .setKeyPairsDispatcher((ctx, identifier) => keyPairsFor(ctx.data, identifier))
    .mapHandle((_ctx, username) => username.toLowerCase());
}

/** The ActivityStreams document of a local actor, with its public keys. */
export async function localActorObject(ctx: Context<ContextData>, row: ActorRow) {
  const identifier = row.handle;
  const keys = await ctx.getActorKeyPairs(identifier);
  const common = {
    id: ctx.getActorUri(identifier),
    preferredUsername: identifier,
    name: row.name,
    summary: row.summary ? textToHtml(row.summary) : null,
    url: row.url ? new URL(row.url) : null,
    inbox: ctx.getInboxUri(identifier),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    outbox: ctx.getOutboxUri(identifier),
    followers: ctx.getFollowersUri(identifier),
    following: ctx.getFollowingUri(identifier),
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((k) => k.multikey),
    published: Temporal.Instant.fromEpochMilliseconds(row.createdAt.getTime()),
  };
  if (row.type === "Group") {
    const community = findCommunityByActorId(ctx.data.db, row.id);
    const group = new Group({
      ...common,
      manuallyApprovesFollowers: row.manuallyApprovesFollowers,
      // Lemmy and Mbin read a group's moderators from the collection named by attributedTo.
      attribution: ctx.getCollectionUri("moderators", { identifier }),
      featured: ctx.getFeaturedUri(identifier),
      // The rules follow the description, so that every server's copy shows them.
      summary: groupSummary(ctx.data.db, row),
      attachments: groupParentLinks(ctx.data.db, row),
      discoverable: true,
    });
    // Lemmy's announcement-only flag (src/federation/vocab/lemmy-group.ts).
    return withPostingRestriction(group, community?.announcementOnly ?? false);
  }
  if (row.type === "Application") {
    return new Application({ ...common, manuallyApprovesFollowers: true, discoverable: false });
  }
  const db = ctx.data.db;
  const profile = getPersonProfile(db, row.id);
  const extras = personExtras(
    ctx.origin,
    row,
    profile,
    listPersonTags(db, row.id, "expertise"),
    listPersonTags(db, row.id, "interest"),
  );
  return new Person({
    ...common,
    attachments: extras.attachments,
    tags: extras.tags,
    icon: extras.icon,
    manuallyApprovesFollowers: profile.approveContacts,
    discoverable: true,
  });
}

/**
 * Returns an actor's RSA and Ed25519 key pairs, generating and storing them on first use so
 * that actors which never federate cost nothing, and keys never change once published.
 */
async function keyPairsFor(data: ContextData, identifier: string): Promise<CryptoKeyPair[]> {
  const row = findLocalActor(data.db, identifier);
  if (!row) return [];
  let stored = getActorKeys(data.db, row.id);
  if (stored.length < 2) {
    const pairs = [];
    for (const algorithm of ["RSASSA-PKCS1-v1_5", "Ed25519"] as const) {
      if (stored.some((k) => k.algorithm === algorithm)) continue;
      const pair =
        algorithm === "Ed25519" ? await generateCryptoKeyPair(algorithm) : await rsaKeyPair();
      pairs.push({
        actorId: row.id,
        algorithm,
        privateKeyJwk: JSON.stringify(await exportJwk(pair.privateKey)),
        publicKeyJwk: JSON.stringify(await exportJwk(pair.publicKey)),
      });
    }
    saveActorKeys(data.db, pairs);
    log.info("Generated key pairs for {identifier}", { identifier });
    // Re-read so a concurrent first use and this one agree on whichever keys were stored first.
    stored = getActorKeys(data.db, row.id);
  }
  const order = { "RSASSA-PKCS1-v1_5": 0, Ed25519: 1 } as const;
  stored.sort((a, b) => order[a.algorithm] - order[b.algorithm]);
  return Promise.all(stored.map(importedPair));
}

/**
 * Imported key pairs by their private JWK. Every request for an actor's document or signed by
 * it needs its keys, and keys never change once stored, so each is imported once rather than
 * parsed into a CryptoKey per request. Keyed by the key itself, so a cached pair can never be
 * another actor's; cleared when it grows past the number of actors a large instance has.
 */
const importedPairs = new Map<string, Promise<CryptoKeyPair>>();
const MAX_IMPORTED_PAIRS = 20_000;

function importedPair(k: { privateKeyJwk: string; publicKeyJwk: string }): Promise<CryptoKeyPair> {
  let pair = importedPairs.get(k.privateKeyJwk);
  if (!pair) {
    if (importedPairs.size >= MAX_IMPORTED_PAIRS) importedPairs.clear();
    pair = (async () => ({
      privateKey: await importJwk(JSON.parse(k.privateKeyJwk), "private"),
      publicKey: await importJwk(JSON.parse(k.publicKeyJwk), "public"),
    }))();
    // A failed import is not remembered, so the next request tries again.
    pair.catch(() => importedPairs.delete(k.privateKeyJwk));
    importedPairs.set(k.privateKeyJwk, pair);
  }
  return pair;
}

/** The identifier the shared inbox signs its fetches with (the instance actor). */
export function instanceActorIdentifier(_ctx: Context<ContextData>): { identifier: string } {
  return { identifier: INSTANCE_ACTOR };
}
