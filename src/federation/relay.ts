import { randomUUID } from "node:crypto";
import {
  type ActivityTransformer,
  exportJwk,
  getDefaultActivityTransformers,
  type Message,
  type MessageQueue,
} from "@fedify/fedify";
import { type Activity, getTypeId } from "@fedify/vocab";
import { type ActorRow, getActorKeys } from "../domain/actors.ts";
import { type MemberInbox, remoteMemberInboxes } from "../domain/membership.ts";
import { logger } from "../logging.ts";
import type { ContextData, CopseContext, CopseFederation } from "./context.ts";
import { recipientOf } from "./recipients.ts";
import { keepListsAsArrays } from "./vocab/lists.ts";

const log = logger("federation", "relay");

// A community passes on everything its members do (FEP-1b12): each reply, vote, edit and
// deletion goes out again as the group's own Announce to every server with a member. Fedify's
// sendActivity would sign each Announce twice more before queueing it: an Object Integrity
// Proof (Ed25519, over a canonical form of the activity) and a Linked Data signature (RSA,
// over its URDNA2015 canonicalisation), about half the CPU an incoming activity cost.
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

/** The key a group signs its deliveries with, as a queued delivery carries it. */
interface SenderKey {
  keyId: string;
  privateKey: JsonWebKey;
}

/**
 * Groups' RSA keys as queued deliveries carry them, by the group's IRI and stored private
 * key, so an entry can only ever be used for the key it was made from. Keys never change once
 * stored; without this Fedify would look up the key pairs, build their documents and export
 * the private key again for every activity relayed.
 */
const senderKeys = new Map<string, Promise<SenderKey>>();
/** More relaying groups than a large instance has; past it the cache starts afresh. */
const MAX_SENDER_KEYS = 1_000;

function senderKeyOf(ctx: CopseContext, group: ActorRow): Promise<SenderKey> {
  const stored = getActorKeys(ctx.data.db, group.id).find(
    (k) => k.algorithm === "RSASSA-PKCS1-v1_5",
  );
  const id = stored && `${group.iri}\n${stored.privateKeyJwk}`;
  let key = id === undefined ? undefined : senderKeys.get(id);
  if (key === undefined) {
    // Fedify's own look-up also makes the keys of a group that has none yet.
    key = (async () => {
      const rsa = (await ctx.getActorKeyPairs(group.handle)).find(
        (pair) => pair.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5",
      );
      if (rsa === undefined) throw new Error(`${group.iri} has no RSA key to sign deliveries with`);
      return { keyId: rsa.keyId.href, privateKey: await exportJwk(rsa.privateKey) };
    })();
    if (id !== undefined) {
      if (senderKeys.size >= MAX_SENDER_KEYS) senderKeys.clear();
      // A failure is not remembered: the next relay asks again.
      key.catch(() => senderKeys.delete(id));
      senderKeys.set(id, key);
    }
  }
  return key;
}

/**
 * The inboxes a group's followers on other servers are reached at, each once, shared inboxes
 * preferred, as Fedify's fan-out picks them. Local members need no copy; nor does anything
 * on this server's own origin.
 */
export function followerInboxes(ctx: CopseContext, group: ActorRow): MemberInbox[] {
  const origin = new URL(ctx.origin).origin;
  return remoteMemberInboxes(ctx.data.db, group.id).filter(({ inbox }) => {
    try {
      return new URL(inbox).origin !== origin;
    } catch {
      return false;
    }
  });
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
  if (!outboxes.has(ctx.federation)) {
    await ctx.sendActivity({ identifier: group.handle }, "followers", activity, {
      preferSharedInbox: true,
      excludeBaseUris: [new URL(ctx.origin)],
    });
    return;
  }
  await queueGroupActivity(ctx, group, activity, followerInboxes(ctx, group));
}

/**
 * Sends a group's own answer to one person on another server (the Accept or Reject of their
 * Follow): like a relay, the group's activity is HTTP-signed by the group and needs no Linked
 * Data signature or integrity proof, so it takes the same path. It goes to the person's own
 * inbox, as Fedify sends to a single recipient.
 */
export async function sendAsGroup(
  ctx: CopseContext,
  group: ActorRow,
  recipient: ActorRow,
  activity: Activity,
): Promise<void> {
  const inbox = recipient.inboxUrl ?? recipient.sharedInboxUrl;
  if (!outboxes.has(ctx.federation) || inbox === null) {
    await ctx.sendActivity({ identifier: group.handle }, recipientOf(recipient), activity);
    return;
  }
  const shared = recipient.inboxUrl === null ? 1 : 0;
  await queueGroupActivity(ctx, group, activity, [{ inbox, shared }]);
}

/** Serialises a group's activity once and queues one delivery of it per inbox. */
async function queueGroupActivity(
  ctx: CopseContext,
  group: ActorRow,
  activity: Activity,
  inboxes: MemberInbox[],
): Promise<void> {
  const outbox = outboxes.get(ctx.federation)!;
  if (inboxes.length === 0) return;
  const key = await senderKeyOf(ctx, group);
  for (const transform of ACTIVITY_TRANSFORMERS) activity = transform(activity, ctx);
  if (activity.id === null || activity.actorId === null) {
    throw new TypeError("A group's activity needs an id and an actor to be queued");
  }
  // Serialised once; each queued delivery carries the same JSON, signed per request.
  const json = await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  const started = new Date().toISOString();
  const activityId = activity.id.href;
  const activityType = getTypeId(activity).href;
  // Only the RSA key: it is the one HTTP signatures (and Fedify's sender) use. The followers
  // each inbox serves are left out; Fedify reads them only for a collection-synchronisation
  // header and a permanent-failure callback, neither of which Copse uses.
  const messages: OutboxMessage[] = inboxes.map(({ inbox, shared }) => ({
    type: "outbox",
    id: randomUUID(),
    baseUrl: ctx.origin,
    keys: [key],
    activity: json,
    activityId,
    activityType,
    inbox,
    sharedInbox: shared === 1,
    started,
    attempt: 0,
    headers: {},
    traceContext: {},
  }));
  if (outbox.enqueueMany) await outbox.enqueueMany(messages);
  else for (const message of messages) await outbox.enqueue(message);
  log.debug("Queued {activityId} for {count} inboxes", {
    activityId,
    count: messages.length,
  });
}
