import type { RequestContext } from "@fedify/fedify";
import { Create, Mention, Note, Source } from "@fedify/vocab";
import { type ActorRow, findActorByIri, getActor } from "../domain/actors.ts";
import { findMessageByIri, isParticipant, type MessageRow } from "../domain/messages.ts";
import { logger } from "../logging.ts";
import type { ContextData, CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { recipientOf } from "./recipients.ts";

const log = logger("federation", "messages");

/**
 * The Note of a private message: addressed to the recipient alone (never Public, never a
 * followers collection), with a Mention of them, which is what makes Mastodon show it as a
 * direct message.
 */
export function messageNote(message: MessageRow, sender: ActorRow, recipient: ActorRow): Note {
  const published = Temporal.Instant.fromEpochMilliseconds(message.createdAt.getTime());
  return new Note({
    id: new URL(message.iri),
    attribution: new URL(sender.iri),
    content: message.bodyHtml,
    mediaType: "text/html",
    source: message.bodySource
      ? new Source({ content: message.bodySource, mediaType: "text/markdown" })
      : null,
    published,
    to: new URL(recipient.iri),
    replyTarget: message.inReplyToIri ? new URL(message.inReplyToIri) : null,
    tags: [
      new Mention({ href: new URL(recipient.iri), name: `@${recipient.handle}@${recipient.host}` }),
    ],
  });
}

/** Sends a local person's message to its remote recipient; local recipients already have it. */
export async function deliverMessage(ctx: CopseContext, message: MessageRow): Promise<void> {
  const sender = getActor(ctx.data.db, message.senderId);
  const recipient = getActor(ctx.data.db, message.recipientId);
  if (!sender?.isLocal || !recipient || recipient.isLocal) return;
  const create = new Create({
    id: newActivityIri(ctx, "create"),
    actor: new URL(sender.iri),
    object: messageNote(message, sender, recipient),
    to: new URL(recipient.iri),
    published: Temporal.Instant.fromEpochMilliseconds(message.createdAt.getTime()),
  });
  await ctx.sendActivity({ identifier: sender.handle }, recipientOf(recipient), create);
  log.info("Sent message {message} to {recipient}", {
    message: message.iri,
    recipient: recipient.iri,
  });
}

/** The Note of a local message with this id, or null when there is none. */
export function localMessageNote(ctx: CopseContext, iri: string): Note | null {
  const message = findMessageByIri(ctx.data.db, iri);
  const sender = message ? getActor(ctx.data.db, message.senderId) : undefined;
  const recipient = message ? getActor(ctx.data.db, message.recipientId) : undefined;
  if (!message || !sender?.isLocal || !recipient) return null;
  return messageNote(message, sender, recipient);
}

/**
 * Whether a request may read the object with this id when it is a message: only requests
 * signed by its sender or its recipient may. Ids that are not messages are left to others.
 */
export async function signerMayReadMessage(
  ctx: RequestContext<ContextData>,
  iri: string,
): Promise<boolean> {
  const message = findMessageByIri(ctx.data.db, iri);
  if (!message) return true;
  const owner = await ctx.getSignedKeyOwner();
  const signer = owner?.id ? findActorByIri(ctx.data.db, owner.id.href) : undefined;
  return isParticipant(message, signer?.id);
}
