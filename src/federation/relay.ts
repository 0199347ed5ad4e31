import { randomUUID } from "node:crypto";
import {
  type ActivityTransformer,
  exportJwk,
  getDefaultActivityTransformers,
  type Message,
  type MessageQueue,
} from "@fedify/fedify";
import { type Activity, getTypeId } from "@fedify/vocab";
import type { ActorRow } from "../domain/actors.ts";
import { remoteMemberAddresses } from "../domain/membership.ts";
import { logger } from "../logging.ts";
import type { ContextData, CopseContext, CopseFederation } from "./context.ts";
import { keepListsAsArrays } from "./vocab/lists.ts";

const log = logger("federation", "relay");

// A community passes on everything its members do (FEP-1b12): each reply, vote, edit and
// deletion goes out again as the group's own Announce to every server with a member. Fedify's
// sendActivity would sign each Announce twice more before queueing it: an Object Integrity
// Proof (Ed25519, over a canonical form of the activity) and a Linked Data signature (RSA,
// over its URDNA2015 canonicalisation), about two thirds of the CPU an incoming activity cost.
// Neither is read by the group's followers: the Announce is the group's own activity, sent by
// the group with an HTTP signature by the group, which Mastodon, Lemmy, Mbin and Copse verify;
// a Linked Data signature or proof matters only for forwarding someone else's activity, which
// this is not. So a group's Announce is serialised once, as Fedify would (its activity
// transformers, then compacted JSON-LD), and queued as one delivery per inbox in Fedify's own
// message format, on the same durable outbox queue. Each delivery is then signed and sent as
// any other: by Copse's sender (src/federation/direct-delivery.ts) through the guarded poster,
// or by Fedify's, with its double knock, retries and circuit breaker, when that is the case.

/** The transformers every activity Copse sends goes through, in Fedify's order. */
export const ACTIVITY_TRANSFORMERS: readonly ActivityTransformer<ContextData>[] = [
  ...getDefaultActivityTransformers<ContextData>(),
  // Lemmy refuses one-item lists written as bare values (src/federation/vocab/lists.ts).
  keepListsAsArrays,
];

/** A delivery in the shape Fedify's outbox handler reads. */
type OutboxMessage = Extract<Message, { type: "outbox" }>;

const outboxes = new WeakMap<CopseFederation, MessageQueue>();

/** Lets a federation's groups queue their Announces on its outbox queue (src/federation/builder.ts). */
export function relayThrough(federation: CopseFederation, outbox: MessageQueue): void {
  outboxes.set(federation, outbox);
}

/** Private keys as JWK, exported once each (the CryptoKeys themselves are cached). */
const exported = new WeakMap<CryptoKey, Promise<JsonWebKey>>();

function jwkOf(key: CryptoKey): Promise<JsonWebKey> {
  let jwk = exported.get(key);
  if (jwk === undefined) {
    jwk = exportJwk(key);
    jwk.catch(() => exported.delete(key));
    exported.set(key, jwk);
  }
  return jwk;
}

/**
 * The inboxes a group's followers on other servers are reached at, shared inboxes preferred,
 * each with the followers it serves, as Fedify's fan-out groups them. Local members need no
 * copy; nor does anything on this server's own origin.
 */
export function followerInboxes(
  ctx: CopseContext,
  group: ActorRow,
): Map<string, { actorIds: string[]; sharedInbox: boolean }> {
  const origin = new URL(ctx.origin).origin;
  const inboxes = new Map<string, { actorIds: string[]; sharedInbox: boolean }>();
  for (const member of remoteMemberAddresses(ctx.data.db, group.id)) {
    const shared = member.sharedInboxUrl !== null;
    const address = member.sharedInboxUrl ?? member.inboxUrl;
    if (address === null) continue;
    let inbox: URL;
    try {
      inbox = new URL(address);
    } catch {
      continue;
    }
    if (inbox.origin === origin) continue;
    const entry = inboxes.get(inbox.href);
    if (entry) entry.actorIds.push(member.iri);
    else inboxes.set(inbox.href, { actorIds: [member.iri], sharedInbox: shared });
  }
  return inboxes;
}

/**
 * Queues a group's own activity (its Announce of something a member did) for each of its
 * followers' inboxes, to be HTTP-signed by the group as each is sent, with no Linked Data
 * signature or integrity proof. Falls back to Fedify's sendActivity for a federation built
 * without a registered outbox queue.
 */
export async function relayToFollowers(
  ctx: CopseContext,
  group: ActorRow,
  activity: Activity,
): Promise<void> {
  const outbox = outboxes.get(ctx.federation);
  if (outbox === undefined) {
    await ctx.sendActivity({ identifier: group.handle }, "followers", activity, {
      preferSharedInbox: true,
      excludeBaseUris: [new URL(ctx.origin)],
    });
    return;
  }
  const inboxes = followerInboxes(ctx, group);
  if (inboxes.size === 0) return;
  const rsa = (await ctx.getActorKeyPairs(group.handle)).find(
    (pair) => pair.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5",
  );
  if (rsa === undefined) throw new Error(`${group.iri} has no RSA key to sign deliveries with`);
  for (const transform of ACTIVITY_TRANSFORMERS) activity = transform(activity, ctx);
  if (activity.id === null || activity.actorId === null) {
    throw new TypeError("A relayed activity needs an id and an actor");
  }
  // Serialised once; each queued delivery carries the same JSON, signed per request.
  const json = await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  // Only the RSA key: it is the one HTTP signatures (and Fedify's sender) use.
  const keys = [{ keyId: rsa.keyId.href, privateKey: await jwkOf(rsa.privateKey) }];
  const started = new Date().toISOString();
  const activityType = getTypeId(activity).href;
  const messages: OutboxMessage[] = [...inboxes].map(([inbox, { actorIds, sharedInbox }]) => ({
    type: "outbox",
    id: randomUUID(),
    baseUrl: ctx.origin,
    keys,
    activity: json,
    activityId: activity.id!.href,
    activityType,
    inbox,
    sharedInbox,
    actorIds,
    started,
    attempt: 0,
    headers: {},
    traceContext: {},
  }));
  if (outbox.enqueueMany) await outbox.enqueueMany(messages);
  else for (const message of messages) await outbox.enqueue(message);
  log.debug("Queued {activityId} for {count} inboxes", {
    activityId: activity.id.href,
    count: messages.length,
  });
}
