import { randomUUID } from "node:crypto";
import { Accept, Follow, Reject, Undo } from "@fedify/vocab";
import { type ActorRow, getActor } from "../domain/actors.ts";
import {
  acceptContact,
  type ContactRow,
  removeContact,
  requestContact,
} from "../domain/contacts.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { recipientOf } from "./recipients.ts";

const log = logger("federation", "contacts");

/** The Follow a contact relation stands for, rebuilt from what was stored. */
export function contactFollow(contact: ContactRow, follower: ActorRow, followee: ActorRow): Follow {
  return new Follow({
    id: contact.requestIri ? new URL(contact.requestIri) : null,
    actor: new URL(follower.iri),
    object: new URL(followee.iri),
  });
}

/** A local person marks someone as a contact; a remote person's server is sent a Follow. */
export async function addContact(
  ctx: CopseContext,
  follower: ActorRow,
  followee: ActorRow,
): Promise<ContactRow> {
  const requestIri = new URL(`/ap/follows/${randomUUID()}`, ctx.origin);
  const contact = requestContact(ctx.data.db, follower, followee, requestIri.href);
  if (!followee.isLocal && contact.requestIri === requestIri.href) {
    await ctx.sendActivity(
      { identifier: follower.handle },
      recipientOf(followee),
      contactFollow(contact, follower, followee),
    );
    log.info("{follower} asked {followee} to be a contact", {
      follower: follower.handle,
      followee: followee.iri,
    });
  }
  return contact;
}

/** Sends the followee's answer to a remote follower; local followers read the database. */
export async function sendContactAnswer(
  ctx: CopseContext,
  contact: ContactRow,
  accepted: boolean,
): Promise<void> {
  const follower = getActor(ctx.data.db, contact.followerId);
  const followee = getActor(ctx.data.db, contact.followeeId);
  if (!follower || !followee || follower.isLocal || !followee.isLocal) return;
  const Answer = accepted ? Accept : Reject;
  await ctx.sendActivity(
    { identifier: followee.handle },
    recipientOf(follower),
    new Answer({
      id: newActivityIri(ctx, accepted ? "accept" : "reject"),
      actor: new URL(followee.iri),
      to: new URL(follower.iri),
      object: contactFollow(contact, follower, followee),
    }),
  );
}

/** The followee accepts (true) or rejects (false) a pending contact request. */
export async function decideContact(
  ctx: CopseContext,
  contact: ContactRow,
  accepted: boolean,
): Promise<void> {
  if (accepted) acceptContact(ctx.data.db, contact.id);
  else removeContact(ctx.data.db, contact.id);
  await sendContactAnswer(ctx, contact, accepted);
}

/** The follower withdraws a request or drops a contact; a remote followee is sent Undo{Follow}. */
export async function withdrawContact(ctx: CopseContext, contact: ContactRow): Promise<void> {
  removeContact(ctx.data.db, contact.id);
  const follower = getActor(ctx.data.db, contact.followerId);
  const followee = getActor(ctx.data.db, contact.followeeId);
  if (!follower || !followee || !follower.isLocal || followee.isLocal) return;
  await ctx.sendActivity(
    { identifier: follower.handle },
    recipientOf(followee),
    new Undo({
      id: newActivityIri(ctx, "undo"),
      actor: new URL(follower.iri),
      object: contactFollow(contact, follower, followee),
    }),
  );
}
