import { Add, Block, Delete, Page, Reject, Remove, Undo, Update } from "@fedify/vocab";
import { type ActorRow, getActor } from "../domain/actors.ts";
import { findCommunityByActorId } from "../domain/communities.ts";
import { ConflictError } from "../domain/errors.ts";
import type { ItemRow } from "../domain/items.ts";
import type { Membership } from "../domain/membership.ts";
import {
  removeItem,
  restoreItem,
  setTopicLocked,
  setTopicPinned,
} from "../domain/moderation/content.ts";
import { appointFacilitator, dismissFacilitator } from "../domain/moderation/facilitators.ts";
import {
  banMember,
  type MemberAction,
  removeMember,
  unbanMember,
} from "../domain/moderation/members.ts";
import type { ActingActor } from "../domain/moderation/ranks.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import {
  lemmyLock,
  type ModerationAddressing,
  moderationAddressing,
  sendRemoteBan,
  sendRemoteFacilitatorChange,
  sendRemoteLock,
  sendRemotePin,
  sendRemoteRemoval,
} from "./facilitator-sends.ts";
import { newActivityIri } from "./membership.ts";
import { announceToMembers } from "./publish.ts";
import { recipientOf } from "./recipients.ts";
import { replyPolicy } from "./vocab/reply-policy.ts";

// Web handlers call these: each runs the domain rule, then tells other servers what changed,
// as FEP-1b12 groups and Lemmy do. For a community hosted on another server, the facilitator's
// act is sent there instead (src/federation/facilitator-sends.ts) and changes nothing here
// until that server announces it. Incoming versions are in src/federation/inbox/moderation.ts
// (a remote community's announcements) and inbox/facilitator-acts.ts (remote facilitators).

const log = logger("federation", "moderation");

/** A member action taken through federation: the group and the person acted on, as rows. */
export interface FederatedMemberAction extends Omit<MemberAction, "groupId" | "targetId"> {
  group: ActorRow;
  target: ActorRow;
}

/** The membership-ended signal Copse sends when a request is turned down: Reject{Follow}. */
async function sendMembershipEnded(
  ctx: CopseContext,
  group: ActorRow,
  member: ActorRow,
  membership: Membership,
): Promise<void> {
  if (member.isLocal || !membership.requestIri) return;
  const reject = new Reject({
    id: newActivityIri(ctx, "reject"),
    actor: new URL(group.iri),
    to: new URL(member.iri),
    object: new URL(membership.requestIri),
  });
  await ctx.sendActivity({ identifier: group.handle }, recipientOf(member), reject);
}

/** A facilitator removes a member; a remote member's server is told the membership ended. */
export async function removeFromCommunity(
  ctx: CopseContext,
  input: FederatedMemberAction,
): Promise<void> {
  if (!input.group.isLocal) {
    // Lemmy has no such activity: a community hosted elsewhere can ban, not remove.
    throw new ConflictError("A community hosted on another server can ban people, not remove them");
  }
  const previous = removeMember(ctx.data.db, {
    ...input,
    groupId: input.group.id,
    targetId: input.target.id,
  });
  await sendMembershipEnded(ctx, input.group, input.target, previous);
  log.info("Removed {member} from {group}", {
    member: input.target.iri,
    group: input.group.handle,
  });
}

/**
 * A ban as Block (FEP-1b12 and Lemmy: target is the group itself): from the group to the
 * person's server, or, announced to members, from the facilitator who banned (Lemmy's shape).
 */
function blockOf(
  ctx: CopseContext,
  input: FederatedMemberAction & { until: Date | null },
  announced: boolean,
) {
  const { group, target: person } = input;
  return new Block({
    id: newActivityIri(ctx, "block"),
    actor: announced ? moderatorIri(ctx, group, input.byActorId) : new URL(group.iri),
    object: new URL(person.iri),
    target: new URL(group.iri),
    summary: input.reason,
    endTime: input.until ? Temporal.Instant.fromEpochMilliseconds(input.until.getTime()) : null,
    ...(announced
      ? addressing(ctx, group)
      : { tos: [new URL(person.iri)], ccs: [new URL(group.iri)], audience: new URL(group.iri) }),
  });
}

/** Lemmy's addressing for what a local community announces about its moderation. */
function addressing(ctx: CopseContext, group: ActorRow): ModerationAddressing {
  return moderationAddressing(group, reach(ctx, group) === "members");
}

/**
 * A facilitator bans a person. A remote person's server receives Block (and so stops offering
 * them the community's forms); any content removed with the ban is announced as removed.
 */
export async function banFromCommunity(
  ctx: CopseContext,
  input: FederatedMemberAction & { until: Date | null; removeContent: boolean },
): Promise<void> {
  if (!input.group.isLocal) return sendRemoteBan(ctx, { ...input, banned: true });
  const { removed } = banMember(ctx.data.db, {
    ...input,
    groupId: input.group.id,
    targetId: input.target.id,
  });
  if (!input.target.isLocal) {
    const block = blockOf(ctx, input, false);
    await ctx.sendActivity({ identifier: input.group.handle }, recipientOf(input.target), block);
  }
  // Members' servers (and facilitators on other servers) keep the list of banned people too.
  const announced = blockOf(ctx, input, true);
  await announceToMembers(ctx, input.group, announced, reach(ctx, input.group));
  for (const item of removed)
    await announceRemoval(ctx, input.group, item, input.byActorId, true, input.reason);
  log.info("Banned {member} from {group}", { member: input.target.iri, group: input.group.handle });
}

/** A facilitator lifts a ban; a remote person's server receives Undo{Block}. */
export async function unbanFromCommunity(
  ctx: CopseContext,
  input: FederatedMemberAction,
): Promise<void> {
  if (!input.group.isLocal) return sendRemoteBan(ctx, { ...input, banned: false });
  unbanMember(ctx.data.db, { ...input, groupId: input.group.id, targetId: input.target.id });
  const lifted = { ...input, until: null };
  if (!input.target.isLocal) {
    const undo = new Undo({
      id: newActivityIri(ctx, "undo"),
      actor: new URL(input.group.iri),
      to: new URL(input.target.iri),
      object: blockOf(ctx, lifted, false),
    });
    await ctx.sendActivity({ identifier: input.group.handle }, recipientOf(input.target), undo);
  }
  const undo = new Undo({
    id: newActivityIri(ctx, "undo"),
    actor: moderatorIri(ctx, input.group, input.byActorId),
    object: blockOf(ctx, lifted, true),
    summary: input.reason,
    ...addressing(ctx, input.group),
  });
  await announceToMembers(ctx, input.group, undo, reach(ctx, input.group));
}

/** How widely a local community's moderation of people is announced: as its posts are. */
function reach(ctx: CopseContext, group: ActorRow): "public" | "members" {
  return findCommunityByActorId(ctx.data.db, group.id)?.visibility === "private"
    ? "members"
    : "public";
}

/** The URL of a local group's moderators collection. */
function moderatorsOf(ctx: CopseContext, group: ActorRow): URL {
  return ctx.getCollectionUri("moderators", { identifier: group.handle });
}

/**
 * A facilitator appoints (or dismisses) a co-facilitator, who may live on another instance;
 * the group announces Add (or Remove) of the person to its moderators collection, as Lemmy does.
 */
export async function changeFacilitator(
  ctx: CopseContext,
  input: FederatedMemberAction & { appoint: boolean },
): Promise<void> {
  if (!input.group.isLocal) return sendRemoteFacilitatorChange(ctx, input);
  const action = { ...input, groupId: input.group.id, targetId: input.target.id };
  if (input.appoint) appointFacilitator(ctx.data.db, action);
  else dismissFacilitator(ctx.data.db, action);
  const Verb = input.appoint ? Add : Remove;
  const activity = new Verb({
    id: newActivityIri(ctx, input.appoint ? "add" : "remove"),
    actor: moderatorIri(ctx, input.group, input.byActorId),
    object: new URL(input.target.iri),
    target: moderatorsOf(ctx, input.group),
    ...addressing(ctx, input.group),
  });
  await announceToMembers(ctx, input.group, activity, reach(ctx, input.group));
}

/**
 * The actor named in a moderation activity the group announces: the facilitator, wherever
 * their account is (Lemmy applies an announced act only when its actor is a person who
 * moderates the community), or the group when the instance's command line acts.
 */
function moderatorIri(ctx: CopseContext, group: ActorRow, byActorId: ActingActor): URL {
  const moderator = byActorId !== null ? getActor(ctx.data.db, byActorId) : undefined;
  return new URL(moderator?.type === "Person" ? moderator.iri : group.iri);
}

/**
 * Tells members' servers that a facilitator removed (Delete with the reason as `summary`, as
 * Lemmy's moderators do) or restored (Undo{Delete}) an item; the group announces it.
 */
async function announceRemoval(
  ctx: CopseContext,
  group: ActorRow,
  item: ItemRow,
  byActorId: ActingActor,
  removed: boolean,
  reason: string,
): Promise<void> {
  const actor = moderatorIri(ctx, group, byActorId);
  const del = new Delete({
    id: newActivityIri(ctx, "delete"),
    actor,
    object: new URL(item.iri),
    // The reason marks it as a moderator's removal rather than the author's deletion.
    summary: reason,
    ...addressing(ctx, group),
  });
  const activity = removed
    ? del
    : new Undo({ id: newActivityIri(ctx, "undo"), actor, object: del, ...addressing(ctx, group) });
  await announceToMembers(ctx, group, activity, item.visibility);
}

/** A facilitator removes (or restores) an item in their community, and members' servers hear. */
export async function moderateItem(
  ctx: CopseContext,
  input: {
    group: ActorRow;
    item: ItemRow;
    byActorId: ActingActor;
    reason: string;
    remove: boolean;
  },
): Promise<ItemRow> {
  if (!input.group.isLocal) {
    await sendRemoteRemoval(ctx, input);
    return input.item;
  }
  const action = { ...input, groupId: input.group.id };
  const changed = input.remove ? removeItem(ctx.data.db, action) : restoreItem(ctx.data.db, action);
  await announceRemoval(ctx, input.group, changed, input.byActorId, input.remove, input.reason);
  return changed;
}

/**
 * A facilitator pins (or unpins) a topic; the group announces Add (or Remove) of it to its
 * `featured` collection, as Lemmy does.
 */
export async function pinTopic(
  ctx: CopseContext,
  input: {
    group: ActorRow;
    item: ItemRow;
    byActorId: ActingActor;
    reason: string;
    pinned: boolean;
  },
): Promise<ItemRow> {
  if (!input.group.isLocal) {
    await sendRemotePin(ctx, input);
    return input.item;
  }
  const changed = setTopicPinned(ctx.data.db, { ...input, groupId: input.group.id });
  const Verb = input.pinned ? Add : Remove;
  const activity = new Verb({
    id: newActivityIri(ctx, input.pinned ? "add" : "remove"),
    actor: moderatorIri(ctx, input.group, input.byActorId),
    object: new URL(changed.iri),
    target: ctx.getFeaturedUri(input.group.handle),
    ...addressing(ctx, input.group),
  });
  await announceToMembers(ctx, input.group, activity, changed.visibility);
  return changed;
}

/**
 * A facilitator locks (or unlocks) a topic. The group announces it twice: as an Update of the
 * topic whose `interactionPolicy` (GoToSocial's) lets nobody reply, and as Lemmy's Lock (or
 * Undo{Lock}); the home instance refuses replies to a locked topic whatever others do.
 */
export async function lockTopic(
  ctx: CopseContext,
  input: {
    group: ActorRow;
    item: ItemRow;
    byActorId: ActingActor;
    reason: string;
    locked: boolean;
  },
): Promise<ItemRow> {
  if (!input.group.isLocal) {
    await sendRemoteLock(ctx, input);
    return input.item;
  }
  const changed = setTopicLocked(ctx.data.db, { ...input, groupId: input.group.id });
  const update = new Update({
    id: newActivityIri(ctx, "update"),
    actor: new URL(input.group.iri),
    object: new Page({
      id: new URL(changed.iri),
      interactionPolicy: replyPolicy(
        changed,
        getActor(ctx.data.db, changed.authorId)?.iri ?? input.group.iri,
      ),
    }),
    summary: input.reason,
  });
  await announceToMembers(ctx, input.group, update, changed.visibility);
  // Lemmy reads only its own Lock (or Undo{Lock}), announced by the community.
  const lock = lemmyLock(ctx, {
    actor: moderatorIri(ctx, input.group, input.byActorId),
    item: changed,
    reason: input.reason,
    locked: input.locked,
    addressing: addressing(ctx, input.group),
  });
  await announceToMembers(ctx, input.group, lock, changed.visibility);
  return changed;
}
