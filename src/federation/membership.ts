import { randomUUID } from "node:crypto";
import { Accept, Follow, Join, Reject, Undo } from "@fedify/vocab";
import type { ActorRow } from "../domain/actors.ts";
import {
  decideMembership,
  leaveGroup,
  type Membership,
  recordRemoteRequest,
  requestMembership,
} from "../domain/membership.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { recipientOf } from "./recipients.ts";
import { sendAsGroup } from "./relay.ts";

const log = logger("federation", "membership");

/** A fresh, fragment-free id for an activity this instance sends. */
export function newActivityIri(ctx: CopseContext, kind: string): URL {
  return new URL(`/ap/activities/${kind}/${randomUUID()}`, ctx.origin);
}

/** Rebuilds the Follow or Join a membership request was made with. */
function requestActivity(membership: Membership, group: ActorRow, member: ActorRow): Follow | Join {
  const values = {
    id: membership.requestIri ? new URL(membership.requestIri) : null,
    actor: new URL(member.iri),
    object: new URL(group.iri),
  };
  return membership.requestType === "Join" ? new Join(values) : new Follow(values);
}

/**
 * Tells a remote member what a local group decided (Accept for active, Reject otherwise).
 * Local members need no message: they read the same database.
 */
export async function sendMembershipDecision(
  ctx: CopseContext,
  group: ActorRow,
  member: ActorRow,
  membership: Membership,
): Promise<void> {
  if (member.isLocal) return;
  const accepted = membership.state === "active";
  const Answer = accepted ? Accept : Reject;
  const answer = new Answer({
    id: newActivityIri(ctx, accepted ? "accept" : "reject"),
    actor: new URL(group.iri),
    to: new URL(member.iri),
    object: requestActivity(membership, group, member),
  });
  await sendAsGroup(ctx, group, member, answer);
  log.info("Sent {answer} for {member} to join {group}", {
    answer: accepted ? "Accept" : "Reject",
    member: member.iri,
    group: group.handle,
  });
}

/** Tells a remote person their request was refused (a banned person asking again): Reject of it. */
export async function sendRefusal(
  ctx: CopseContext,
  group: ActorRow,
  member: ActorRow,
  request: Follow | Join,
): Promise<void> {
  const reject = new Reject({
    id: newActivityIri(ctx, "reject"),
    actor: new URL(group.iri),
    to: new URL(member.iri),
    object: request,
  });
  await sendAsGroup(ctx, group, member, reject);
}

/** A local person asks a remote community to join; pending until the community answers. */
export async function joinRemoteCommunity(
  ctx: CopseContext,
  member: ActorRow,
  group: ActorRow,
): Promise<Membership> {
  const requestIri = new URL(`/ap/follows/${randomUUID()}`, ctx.origin);
  const membership = recordRemoteRequest(ctx.data.db, {
    groupId: group.id,
    memberId: member.id,
    requestIri: requestIri.href,
    requestType: "Follow",
  });
  const follow = new Follow({
    id: requestIri,
    actor: new URL(member.iri),
    object: new URL(group.iri),
  });
  await ctx.sendActivity({ identifier: member.handle }, recipientOf(group), follow);
  log.info("{member} asked remote {group} to join", { member: member.handle, group: group.iri });
  return membership;
}

/** A local person leaves a remote community (or withdraws a request): Undo{Follow}, then forget it. */
export async function leaveRemoteCommunity(
  ctx: CopseContext,
  member: ActorRow,
  group: ActorRow,
): Promise<void> {
  const membership = leaveGroup(ctx.data.db, group.id, member.id);
  const undo = new Undo({
    id: newActivityIri(ctx, "undo"),
    actor: new URL(member.iri),
    object: requestActivity(membership, group, member),
  });
  await ctx.sendActivity({ identifier: member.handle }, recipientOf(group), undo);
  log.info("{member} left remote {group}", { member: member.handle, group: group.iri });
}

/** Joins a community wherever it lives: locally at once (or pending), remotely by Follow. */
export async function joinCommunity(
  ctx: CopseContext,
  member: ActorRow,
  group: ActorRow,
): Promise<Membership> {
  if (group.isLocal)
    return requestMembership(ctx.data.db, { groupId: group.id, memberId: member.id });
  return joinRemoteCommunity(ctx, member, group);
}

/** Leaves a community (or withdraws a request) wherever it lives. */
export async function leaveCommunity(
  ctx: CopseContext,
  member: ActorRow,
  group: ActorRow,
): Promise<void> {
  if (group.isLocal) {
    leaveGroup(ctx.data.db, group.id, member.id);
    return;
  }
  await leaveRemoteCommunity(ctx, member, group);
}

/**
 * A facilitator (or, with `byActorId` null, the instance admin) approves or rejects a pending
 * request to join a local community; a remote requester is told over federation.
 */
export async function decideRequest(
  ctx: CopseContext,
  input: { group: ActorRow; member: ActorRow; byActorId: number | null; approve: boolean },
): Promise<Membership> {
  const membership = decideMembership(ctx.data.db, {
    groupId: input.group.id,
    memberId: input.member.id,
    byActorId: input.byActorId,
    approve: input.approve,
  });
  await sendMembershipDecision(ctx, input.group, input.member, membership);
  return membership;
}
