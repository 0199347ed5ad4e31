import type { InboxContext } from "@fedify/fedify";
import {
  type Accept,
  Block,
  Delete,
  Follow,
  Join,
  type Leave,
  type Reject,
  type Undo,
} from "@fedify/vocab";
import {
  type ActorRow,
  findActorByIri,
  findFreshRemoteActor,
  getActor,
  upsertRemoteActor,
} from "../../domain/actors.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import { isListedServer, memberServerRule, refusalReason } from "../../domain/member-servers.ts";
import {
  applyRemoteDecision,
  findMembership,
  findMembershipByRequest,
  leaveGroup,
  type Membership,
  requestMembership,
} from "../../domain/membership.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { sendMembershipDecision, sendRefusal } from "../membership.ts";
import { peerSoftware } from "../peer-software.ts";
import { remoteActorData } from "../vocab/actors.ts";
import { lemmyLockIn } from "../vocab/lemmy-lock.ts";
import {
  concernsLocalPerson,
  onContactAccepted,
  onContactFollowed,
  onContactRejected,
  onContactUndone,
} from "./contacts.ts";
import { concernsEvent, onEventAnswered, onEventJoined, onEventLeft } from "./events.ts";
import { onFacilitatorBlock, onFacilitatorLock, onFacilitatorRemoval } from "./facilitator-acts.ts";
import { isVote, onVoteUndone, onVoteUndoneById } from "./likes.ts";
import { onBlockUndone } from "./moderation.ts";
import { onWikiEditRejected } from "./wiki.ts";

const log = logger("federation", "inbox", "membership");

/** The local group an activity's object names, or null when it names none of ours. */
function localGroupFor(ctx: InboxContext<ContextData>, objectId: URL | null): ActorRow | null {
  if (!objectId) return null;
  const parsed = ctx.parseUri(objectId);
  if (parsed?.type !== "actor") return null;
  const row = findActorByIri(ctx.data.db, objectId.href);
  return row?.type === "Group" && row.isLocal ? row : null;
}

/**
 * The remote actor who sent an activity: the stored copy when it was fetched within the hour,
 * else fetched and stored afresh; null when it cannot be had.
 */
async function storeSender(
  ctx: InboxContext<ContextData>,
  activity: Follow | Join | Undo | Leave,
): Promise<ActorRow | null> {
  const fresh = activity.actorId && findFreshRemoteActor(ctx.data.db, activity.actorId.href);
  if (fresh) return fresh;
  const actor = await activity.getActor(ctx);
  const data = actor ? remoteActorData(actor) : null;
  if (!data) return null;
  return upsertRemoteActor(ctx.data.db, data);
}

/**
 * Why a private community refuses people from the member's server (it accepts only Copse
 * instances and the servers it lists), or null when it accepts them. The server's software
 * is read from its NodeInfo, through the guarded fetcher.
 */
async function serverRefusal(
  ctx: InboxContext<ContextData>,
  group: ActorRow,
  member: ActorRow,
): Promise<string | null> {
  const rule = memberServerRule(ctx.data.db, group.id);
  if (!rule || isListedServer(rule, member.host)) return null;
  const software = await peerSoftware(ctx.data.config, new URL(member.iri).origin);
  return refusalReason(rule, member.host, software);
}

/** A Follow (Lemmy, Mastodon, Copse) or Join (Mobilizon) asking to become a member of a local group. */
async function onMembershipRequested(
  ctx: InboxContext<ContextData>,
  activity: Follow | Join,
): Promise<void> {
  const type = activity instanceof Join ? "Join" : "Follow";
  const group = localGroupFor(ctx, activity.objectId);
  if (!group) {
    log.info("Ignored {type} {id}: its object is not a community here", {
      type,
      id: activity.id?.href,
    });
    return;
  }
  if (!activity.id) {
    log.info("Ignored {type} without an id from {actor}", { type, actor: activity.actorId?.href });
    return;
  }
  const member = await storeSender(ctx, activity);
  if (!member || member.isLocal) return;
  const refused = await serverRefusal(ctx, group, member);
  if (refused) {
    log.info("Refused {member}'s request to join {group}: {reason}", {
      member: member.iri,
      group: group.handle,
      reason: refused,
    });
    await sendRefusal(ctx, group, member, activity);
    return;
  }
  let membership: Membership;
  try {
    membership = requestMembership(ctx.data.db, {
      groupId: group.id,
      memberId: member.id,
      requestIri: activity.id.href,
      requestType: type,
    });
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    // A banned person asks again: the ban stands, and their server hears no.
    log.info("Refused {member}'s request to join {group}: {reason}", {
      member: member.iri,
      group: group.handle,
      reason: error.message,
    });
    await sendRefusal(ctx, group, member, activity);
    return;
  }
  log.info("{member} asked to join {group}: now {state}", {
    member: member.iri,
    group: group.handle,
    state: membership.state,
  });
  if (membership.state === "active") await sendMembershipDecision(ctx, group, member, membership);
}

/** Handles Follow. */
export async function onFollowed(ctx: InboxContext<ContextData>, follow: Follow): Promise<void> {
  if (concernsLocalPerson(ctx, follow.objectId)) return onContactFollowed(ctx, follow);
  await onMembershipRequested(ctx, follow);
}

/** Handles Join. */
export async function onJoined(ctx: InboxContext<ContextData>, join: Join): Promise<void> {
  // A Join of an Event is an RSVP (FEP-8a8e), not a membership request.
  if (concernsEvent(ctx, join.objectId)) return onEventJoined(ctx, join);
  await onMembershipRequested(ctx, join);
}

/** A remote member leaves (Leave) or withdraws a request (Undo{Follow}). */
async function onMembershipEnded(
  ctx: InboxContext<ContextData>,
  groupId: URL | null,
  activity: Undo | Leave,
): Promise<void> {
  const group = localGroupFor(ctx, groupId);
  const member = activity.actorId ? findActorByIri(ctx.data.db, activity.actorId.href) : undefined;
  if (!group || !member) {
    log.info("Ignored leave {id}: unknown group or member", { id: activity.id?.href });
    return;
  }
  if (!findMembership(ctx.data.db, group.id, member.id)) return;
  try {
    leaveGroup(ctx.data.db, group.id, member.id);
    log.info("{member} left {group}", { member: member.iri, group: group.handle });
  } catch (error) {
    log.warn("Could not remove {member} from {group}: {error}", {
      member: member.iri,
      group: group.handle,
      error,
    });
  }
}

/** Handles Undo; only Undo{Follow} and Undo{Join} mean something here for now. */
export async function onUndone(ctx: InboxContext<ContextData>, undo: Undo): Promise<void> {
  if (onContactUndone(ctx, undo)) return;
  // Most peers name a Follow we already hold, so no fetch is needed: Fedify has checked that
  // the Undo is signed by its actor, and the request must be that actor's own.
  const known = undo.objectId
    ? findMembershipByRequest(ctx.data.db, undo.objectId.href)
    : undefined;
  const undoer = undo.actorId ? findActorByIri(ctx.data.db, undo.actorId.href) : undefined;
  if (known && undoer && known.memberId === undoer.id) {
    const group = getActor(ctx.data.db, known.groupId);
    await onMembershipEnded(ctx, group ? new URL(group.iri) : null, undo);
    return;
  }
  const object = await undo.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null);
  // A facilitator on another server restores, unbans or unlocks in a community hosted here.
  if (object instanceof Delete && (await onFacilitatorRemoval(ctx, object, undo))) return;
  if (object instanceof Block && (await onFacilitatorBlock(ctx, object, undo))) return;
  const lock = await lemmyLockIn(undo, 1);
  if (lock && (await onFacilitatorLock(ctx, lock, undo))) return;
  if (object instanceof Block) return onBlockUndone(ctx, undo, object);
  if (isVote(object)) return onVoteUndone(ctx, object, undo, true);
  // An Undo that names, by an id that cannot be fetched, a vote we counted
  // (src/federation/inbox/likes.ts).
  if (!object && onVoteUndoneById(ctx, undo)) return;
  if (!(object instanceof Follow || object instanceof Join)) {
    log.debug("Ignored Undo of {type}", { type: object?.constructor.name });
    return;
  }
  if (!object.actorId || !undo.actorId || object.actorId.href !== undo.actorId.href) {
    log.warn("Ignored Undo {id}: its actor did not send the Follow", { id: undo.id?.href });
    return;
  }
  await onMembershipEnded(ctx, object.objectId, undo);
}

/** Handles Leave (Mobilizon). */
export async function onLeft(ctx: InboxContext<ContextData>, leave: Leave): Promise<void> {
  if (concernsEvent(ctx, leave.objectId)) return onEventLeft(ctx, leave);
  await onMembershipEnded(ctx, leave.objectId, leave);
}

/** Finds our pending request that a remote group's Accept or Reject answers. */
async function requestAnswered(ctx: InboxContext<ContextData>, answer: Accept | Reject) {
  const groupIri = answer.actorId?.href;
  if (!groupIri) return undefined;
  const group = findActorByIri(ctx.data.db, groupIri);
  if (!group || group.isLocal) return undefined;
  // Match on the Follow's id first (the reliable way); some servers embed a Follow with another
  // id or none, so fall back to the member named inside it.
  const byId = answer.objectId
    ? findMembershipByRequest(ctx.data.db, answer.objectId.href)
    : undefined;
  if (byId && byId.groupId === group.id) return byId;
  const object = await answer.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null);
  if (!(object instanceof Follow || object instanceof Join) || !object.actorId) return undefined;
  // The embedded request must be one asking this very group, and only a request still
  // waiting for an answer is settled this way: a stale Accept cannot revive a rejection.
  if (object.objectId?.href !== group.iri) return undefined;
  const member = findActorByIri(ctx.data.db, object.actorId.href);
  if (!member?.isLocal) return undefined;
  const membership = findMembership(ctx.data.db, group.id, member.id);
  return membership?.state === "pending" ? membership : undefined;
}

/** A remote group accepted one of our people. */
export async function onAccepted(ctx: InboxContext<ContextData>, accept: Accept): Promise<void> {
  if (concernsEvent(ctx, accept.objectId)) return onEventAnswered(ctx, accept);
  if (await onContactAccepted(ctx, accept)) return;
  const membership = await requestAnswered(ctx, accept);
  if (!membership) {
    log.info("Ignored Accept {id}: it answers no request of ours", { id: accept.id?.href });
    return;
  }
  applyRemoteDecision(ctx.data.db, membership.id, true);
  log.info("Membership {id} accepted by {group}", {
    id: membership.id,
    group: accept.actorId?.href,
  });
}

/** A remote group rejected one of our people (or removed them). */
export async function onRejected(ctx: InboxContext<ContextData>, reject: Reject): Promise<void> {
  if (concernsEvent(ctx, reject.objectId)) return onEventAnswered(ctx, reject);
  if (await onWikiEditRejected(ctx, reject)) return;
  if (await onContactRejected(ctx, reject)) return;
  const membership = await requestAnswered(ctx, reject);
  if (!membership) {
    log.info("Ignored Reject {id}: it answers no request of ours", { id: reject.id?.href });
    return;
  }
  applyRemoteDecision(ctx.data.db, membership.id, false);
  log.info("Membership {id} rejected by {group}", {
    id: membership.id,
    group: reject.actorId?.href,
  });
}
