import {
  Activity,
  Add,
  Block,
  Delete,
  Group,
  PUBLIC_COLLECTION,
  Remove,
  Undo,
} from "@fedify/vocab";
import { type ActorRow, getActor } from "../domain/actors.ts";
import { ConflictError, ForbiddenError } from "../domain/errors.ts";
import type { ItemRow } from "../domain/items.ts";
import { checkRemoteItemAction, type ItemModeration } from "../domain/moderation/content.ts";
import { checkRemoteMemberAction, liveItemsOf } from "../domain/moderation/members.ts";
import type { ActingActor } from "../domain/moderation/ranks.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { recipientOf } from "./recipients.ts";
import { fetchRemoteObject } from "./remote-object.ts";

// A facilitator whose account is here acts on a community hosted on another server. Nothing
// changes here: the act goes to the community's inbox in the shapes Lemmy's moderators send
// (crates/apub/activities/src/protocol), signed by the facilitator; the community's server
// checks that they facilitate it (and their rank), applies it and announces it, and that
// announcement updates our copy as any member's server's. What Copse accepts in turn is in
// src/federation/inbox/facilitator-acts.ts.

const log = logger("federation", "facilitator-sends");

/** A facilitator's act on an item of a community hosted elsewhere. */
export interface RemoteItemAct {
  group: ActorRow;
  item: ItemRow;
  byActorId: ActingActor;
  reason: string;
}

/** A facilitator's act on a person in a community hosted elsewhere. */
export interface RemoteMemberAct {
  group: ActorRow;
  target: ActorRow;
  byActorId: ActingActor;
  reason: string;
}

/** The local person who acts; only someone with an account here can sign for themselves. */
function facilitatorOf(ctx: CopseContext, byActorId: ActingActor): ActorRow {
  const actor = byActorId === null ? undefined : getActor(ctx.data.db, byActorId);
  if (!actor?.isLocal || actor.type !== "Person") {
    throw new ForbiddenError("Only a facilitator with an account here can act from this server.");
  }
  return actor;
}

/** The addressing of a moderator's activity (see moderationAddressing). */
export interface ModerationAddressing {
  tos: URL[];
  ccs: URL[];
  audience: URL;
}

/**
 * The addressing Lemmy requires of a moderator's activity (`to` and `cc`, the community as
 * `audience`): a public community's acts go to Public, a private one's only to the community.
 */
export function moderationAddressing(group: ActorRow, isPrivate: boolean): ModerationAddressing {
  const community = new URL(group.iri);
  return {
    tos: [isPrivate ? community : PUBLIC_COLLECTION],
    ccs: [community],
    audience: community,
  };
}

/** The addressing of an act on a community hosted elsewhere (private ones approve members). */
function addressed(group: ActorRow): ModerationAddressing {
  return moderationAddressing(group, group.manuallyApprovesFollowers);
}

/** Sends an act to the community's inbox, signed by the facilitator. */
async function send(
  ctx: CopseContext,
  actor: ActorRow,
  group: ActorRow,
  activity: Activity,
  what: string,
): Promise<void> {
  await ctx.sendActivity({ identifier: actor.handle }, recipientOf(group), activity);
  log.info("Sent {what} by {actor} to {group}", { what, actor: actor.handle, group: group.iri });
}

/**
 * Lemmy's Lock of a post (an activity ActivityStreams lacks; see vocab/lemmy-lock.ts), or its
 * Undo to unlock. Also used by a local community announcing its own facilitators' locks.
 */
export function lemmyLock(
  ctx: CopseContext,
  input: {
    actor: URL;
    item: ItemRow;
    reason: string;
    locked: boolean;
    addressing: ModerationAddressing;
  },
): Activity {
  const lock = new Activity({
    id: newActivityIri(ctx, "lock"),
    actor: input.actor,
    object: new URL(input.item.iri),
    summary: input.locked ? input.reason : null,
    ...input.addressing,
  });
  if (input.locked) return lock;
  return new Undo({
    id: newActivityIri(ctx, "undo"),
    actor: input.actor,
    object: lock,
    summary: input.reason,
    ...input.addressing,
  });
}

/** The community's own collection (`featured`, or its moderators), read from its actor. */
async function collectionOf(
  ctx: CopseContext,
  group: ActorRow,
  which: "featured" | "moderators",
): Promise<URL> {
  const documentLoader = await ctx.getDocumentLoader({ identifier: "instance" });
  const actor = await fetchRemoteObject(ctx, group.iri, documentLoader).catch(() => null);
  // Lemmy, Mbin and Copse name the moderators collection as the group's attributedTo.
  const url =
    actor instanceof Group
      ? which === "featured"
        ? actor.featuredId
        : actor.attributionIds.find((id) => id.origin === new URL(group.iri).origin)
      : null;
  if (!url) {
    throw new ConflictError(
      `Could not read the ${which === "featured" ? "pinned topics" : "facilitators"} of ${group.name} from its server. Try again later.`,
    );
  }
  return url;
}

/** A facilitator here removes (Delete with the reason) or restores (Undo{Delete}) an item. */
export async function sendRemoteRemoval(
  ctx: CopseContext,
  input: RemoteItemAct & { remove: boolean },
): Promise<void> {
  const action = input.remove ? "remove-item" : "restore-item";
  const reason = checkRemoteItemAction(ctx.data.db, { ...input, groupId: input.group.id }, action);
  const actor = facilitatorOf(ctx, input.byActorId);
  const del = new Delete({
    id: newActivityIri(ctx, "delete"),
    actor: new URL(actor.iri),
    object: new URL(input.item.iri),
    // A summary marks a moderator's removal, not the author's deletion (as Lemmy reads it).
    summary: input.remove ? reason : (input.item.removedReason ?? ""),
    ...addressed(input.group),
  });
  const activity = input.remove
    ? del
    : new Undo({
        id: newActivityIri(ctx, "undo"),
        actor: new URL(actor.iri),
        object: del,
        summary: reason,
        ...addressed(input.group),
      });
  await send(ctx, actor, input.group, activity, action);
}

/** A facilitator here locks (Lock) or unlocks (Undo{Lock}) a topic. */
export async function sendRemoteLock(
  ctx: CopseContext,
  input: RemoteItemAct & { locked: boolean },
): Promise<void> {
  const action = input.locked ? "lock" : "unlock";
  const reason = checkRemoteItemAction(ctx.data.db, { ...input, groupId: input.group.id }, action);
  const actor = facilitatorOf(ctx, input.byActorId);
  const activity = lemmyLock(ctx, {
    ...input,
    actor: new URL(actor.iri),
    reason,
    addressing: addressed(input.group),
  });
  await send(ctx, actor, input.group, activity, action);
}

/** A facilitator here pins (Add) or unpins (Remove) a topic in the `featured` collection. */
export async function sendRemotePin(
  ctx: CopseContext,
  input: RemoteItemAct & { pinned: boolean },
): Promise<void> {
  const action: ItemModeration = input.pinned ? "pin" : "unpin";
  checkRemoteItemAction(ctx.data.db, { ...input, groupId: input.group.id }, action);
  const actor = facilitatorOf(ctx, input.byActorId);
  const Verb = input.pinned ? Add : Remove;
  const activity = new Verb({
    id: newActivityIri(ctx, input.pinned ? "add" : "remove"),
    actor: new URL(actor.iri),
    object: new URL(input.item.iri),
    target: await collectionOf(ctx, input.group, "featured"),
    ...addressed(input.group),
  });
  await send(ctx, actor, input.group, activity, action);
}

/** The Block a facilitator sends to ban a person from the community (Lemmy's BlockUser). */
function banBlock(
  ctx: CopseContext,
  actor: ActorRow,
  input: RemoteMemberAct,
  reason: string,
  until: Date | null,
): Block {
  return new Block({
    id: newActivityIri(ctx, "block"),
    actor: new URL(actor.iri),
    object: new URL(input.target.iri),
    target: new URL(input.group.iri),
    summary: reason,
    endTime: until ? Temporal.Instant.fromEpochMilliseconds(until.getTime()) : null,
    ...addressed(input.group),
  });
}

/**
 * A facilitator here bans a person (Block, target the community) or lifts a ban (Undo{Block}).
 * Content removed with a ban goes as one removal per item (Lemmy's own `removeData` flag is
 * read on the way in but not sent: its code calls it a stopgap for exactly these Deletes).
 */
export async function sendRemoteBan(
  ctx: CopseContext,
  input: RemoteMemberAct & { banned: boolean; until?: Date | null; removeContent?: boolean },
): Promise<void> {
  const action = input.banned ? "ban" : "unban";
  const reason = checkRemoteMemberAction(
    ctx.data.db,
    { ...input, groupId: input.group.id, targetId: input.target.id },
    action,
  );
  const actor = facilitatorOf(ctx, input.byActorId);
  const block = banBlock(ctx, actor, input, reason, input.until ?? null);
  const activity = input.banned
    ? block
    : new Undo({
        id: newActivityIri(ctx, "undo"),
        actor: new URL(actor.iri),
        object: block,
        summary: reason,
        ...addressed(input.group),
      });
  await send(ctx, actor, input.group, activity, action);
  if (!input.banned || !input.removeContent) return;
  for (const item of liveItemsOf(ctx.data.db, input.group.id, input.target.id)) {
    await sendRemoteRemoval(ctx, { ...input, item, reason, remove: true });
  }
}

/** A facilitator here appoints (Add) or dismisses (Remove) a co-facilitator. */
export async function sendRemoteFacilitatorChange(
  ctx: CopseContext,
  input: RemoteMemberAct & { appoint: boolean },
): Promise<void> {
  const action = input.appoint ? "appoint" : "dismiss";
  const reason = checkRemoteMemberAction(
    ctx.data.db,
    { ...input, groupId: input.group.id, targetId: input.target.id },
    action,
  );
  const actor = facilitatorOf(ctx, input.byActorId);
  const Verb = input.appoint ? Add : Remove;
  const activity = new Verb({
    id: newActivityIri(ctx, input.appoint ? "add" : "remove"),
    actor: new URL(actor.iri),
    object: new URL(input.target.iri),
    target: await collectionOf(ctx, input.group, "moderators"),
    summary: reason,
    ...addressed(input.group),
  });
  await send(ctx, actor, input.group, activity, action);
}
