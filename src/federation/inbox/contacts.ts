import type { InboxContext } from "@fedify/fedify";
import { type Accept, type Follow, isActor, type Reject, type Undo } from "@fedify/vocab";
import { findActorByIri, upsertRemoteActor } from "../../domain/actors.ts";
import {
  acceptContact,
  type ContactRow,
  findContactByRequest,
  removeContact,
  requestContact,
} from "../../domain/contacts.ts";
import { logger } from "../../logging.ts";
import { sendContactAnswer } from "../contacts.ts";
import type { ContextData } from "../context.ts";
import { refreshRemotePerson } from "../people.ts";
import { remoteActorData } from "../vocab/actors.ts";

const log = logger("federation", "inbox", "contacts");

/** True when an activity's object is a local Person, i.e. a contact Follow. */
export function concernsLocalPerson(ctx: InboxContext<ContextData>, objectId: URL | null): boolean {
  if (!objectId || ctx.parseUri(objectId)?.type !== "actor") return false;
  const row = findActorByIri(ctx.data.db, objectId.href);
  return row?.type === "Person" && row.isLocal;
}

/** A remote person marks a local person as a contact; accepted now unless they approve requests. */
export async function onContactFollowed(
  ctx: InboxContext<ContextData>,
  follow: Follow,
): Promise<void> {
  const followee = follow.objectId ? findActorByIri(ctx.data.db, follow.objectId.href) : undefined;
  if (!followee || !follow.id) return;
  const actor = await follow.getActor(ctx);
  const data = actor && isActor(actor) ? remoteActorData(actor) : null;
  if (!actor || !data || data.type !== "Person") {
    log.info("Ignored contact Follow {id}: its actor is not a person", { id: follow.id.href });
    return;
  }
  const follower = upsertRemoteActor(ctx.data.db, data);
  if (follower.isLocal) return;
  await refreshRemotePerson(ctx.data.db, follower, actor);
  const contact = requestContact(ctx.data.db, follower, followee, follow.id.href);
  log.info("{follower} asked {followee} to be a contact: now {state}", {
    follower: follower.iri,
    followee: followee.handle,
    state: contact.state,
  });
  if (contact.state === "accepted") await sendContactAnswer(ctx, contact, true);
}

/** Finds our contact request an Accept or Reject from a remote person answers. */
async function contactAnswered(
  ctx: InboxContext<ContextData>,
  answer: Accept | Reject,
): Promise<ContactRow | undefined> {
  const answerer = answer.actorId ? findActorByIri(ctx.data.db, answer.actorId.href) : undefined;
  if (!answerer || answerer.isLocal || answerer.type !== "Person") return undefined;
  // Only the person who was asked may answer, and only by naming our Follow's id.
  const contact = answer.objectId
    ? findContactByRequest(ctx.data.db, answer.objectId.href)
    : undefined;
  return contact?.followeeId === answerer.id ? contact : undefined;
}

/** Handles an Accept if it answers a contact request; false when it is about something else. */
export async function onContactAccepted(
  ctx: InboxContext<ContextData>,
  accept: Accept,
): Promise<boolean> {
  const contact = await contactAnswered(ctx, accept);
  if (!contact) return false;
  if (contact.state === "pending") acceptContact(ctx.data.db, contact.id);
  log.info("Contact request {id} accepted", { id: contact.id });
  return true;
}

/** Handles a Reject if it answers a contact request; false when it is about something else. */
export async function onContactRejected(
  ctx: InboxContext<ContextData>,
  reject: Reject,
): Promise<boolean> {
  const contact = await contactAnswered(ctx, reject);
  if (!contact) return false;
  removeContact(ctx.data.db, contact.id);
  log.info("Contact request {id} rejected", { id: contact.id });
  return true;
}

/** Handles Undo{Follow} of a contact relation; false when the Undo names none. */
export function onContactUndone(ctx: InboxContext<ContextData>, undo: Undo): boolean {
  const contact = undo.objectId ? findContactByRequest(ctx.data.db, undo.objectId.href) : undefined;
  const undoer = undo.actorId ? findActorByIri(ctx.data.db, undo.actorId.href) : undefined;
  if (!contact || !undoer || contact.followerId !== undoer.id) return false;
  removeContact(ctx.data.db, contact.id);
  log.info("{actor} withdrew contact relation {id}", { actor: undoer.iri, id: contact.id });
  return true;
}
