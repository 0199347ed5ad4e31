import type { InboxContext } from "@fedify/fedify";
import { ChatMessage, type Create, isActor, Note, PUBLIC_COLLECTION } from "@fedify/vocab";
import { type ActorRow, findActorByIri, upsertRemoteActor } from "../../domain/actors.ts";
import { cleanHtml } from "../../domain/html.ts";
import { isKnownFollowersCollection, receiveMessage } from "../../domain/messages.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { fetchRemoteObject } from "../remote-object.ts";
import { remoteActorData } from "../vocab/actors.ts";

const log = logger("federation", "inbox", "messages");
type Ctx = InboxContext<ContextData>;

const PUBLIC_IDS = new Set([PUBLIC_COLLECTION.href, "as:Public", "Public"]);

/**
 * Takes a Create of a Note (or Lemmy's ChatMessage) addressed only to people, at least one of
 * them here, as a private message. Anything addressed to Public, to a community or to a
 * followers collection is left to the content handlers (returns false), so a community post
 * is never taken as a message and a message never becomes a community post.
 */
export async function onDirectMessage(ctx: Ctx, create: Create): Promise<boolean> {
  const actorId = create.actorId;
  // Only an object from the signer's own server is read here; others go the usual way.
  if (!actorId || !create.objectId || create.objectId.origin !== actorId.origin) return false;
  const object = await create.getObject(ctx);
  if (!(object instanceof Note || object instanceof ChatMessage) || !object.id) return false;
  const addressees = [
    ...create.toIds,
    ...create.ccIds,
    ...object.toIds,
    ...object.ccIds,
    ...object.audienceIds,
  ].map((u) => u.href);
  const recipients = directRecipients(ctx, addressees);
  if (recipients.length === 0) return false;
  if (object.attributionId?.href !== actorId.href) {
    log.warn("Ignored message {id}: its actor is not its author", { id: object.id.href });
    return true;
  }
  const sender = await storeSender(ctx, actorId.href);
  if (!sender || sender.type === "Group") {
    log.info("Ignored message {id}: its sender {actor} could not be fetched", {
      id: object.id.href,
      actor: actorId.href,
    });
    return true;
  }
  const bodyHtml = cleanHtml(object.content?.toString() ?? "", object.id.href);
  const createdAt = object.published ? new Date(object.published.epochMilliseconds) : new Date();
  for (const recipient of recipients) {
    // Two local recipients get a row each: a message row belongs to one pair of people.
    receiveMessage(ctx.data.db, {
      iri: recipients.length === 1 ? object.id.href : `${object.id.href}#to-${recipient.id}`,
      senderId: sender.id,
      recipientId: recipient.id,
      bodyHtml,
      inReplyToIri: object.replyTargetId?.href ?? null,
      createdAt,
    });
  }
  log.info("Stored message {id} from {sender} to {count} people here", {
    id: object.id.href,
    sender: sender.iri,
    count: recipients.length,
  });
  return true;
}

/**
 * The local people a Create is privately addressed to, or none when it is not private: any
 * Public address, community or followers collection makes it a post, not a message.
 */
function directRecipients(ctx: Ctx, addressees: string[]): ActorRow[] {
  const locals = new Map<number, ActorRow>();
  for (const iri of addressees) {
    if (PUBLIC_IDS.has(iri)) return [];
    const actor = findActorByIri(ctx.data.db, iri);
    if (actor && actor.type !== "Person") return [];
    if (!actor && (/\/followers\/?$/.test(iri) || isKnownFollowersCollection(ctx.data.db, iri)))
      return [];
    if (actor?.isLocal) locals.set(actor.id, actor);
  }
  return [...locals.values()];
}

/** The sender as stored here, fetched from their server when unknown or remote. */
async function storeSender(ctx: Ctx, iri: string): Promise<ActorRow | null> {
  const known = findActorByIri(ctx.data.db, iri);
  if (known?.isLocal) return known;
  try {
    const actor = await fetchRemoteObject(ctx, iri);
    const data = isActor(actor) ? remoteActorData(actor) : null;
    return data ? upsertRemoteActor(ctx.data.db, data) : (known ?? null);
  } catch (error) {
    log.info("Could not fetch {iri}: {error}", { iri, error });
    return known ?? null;
  }
}
