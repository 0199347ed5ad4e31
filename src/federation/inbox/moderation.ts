import type { InboxContext } from "@fedify/fedify";
import { Add, type Announce, Block, Delete, Remove, Undo, Update } from "@fedify/vocab";
import { type ActorRow, findActorByIri } from "../../domain/actors.ts";
import { findItemByIri, groupsOfItem } from "../../domain/items.ts";
import { applyRemoteBan, applyRemoteRole } from "../../domain/membership.ts";
import { applyRemoteModeration } from "../../domain/moderation/content.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { lemmyLockIn } from "../vocab/lemmy-lock.ts";
import { lockedByPolicy } from "../vocab/reply-policy.ts";
import { onFacilitatorBlock } from "./facilitator-acts.ts";

// Moderation that a remote community (a Group on another instance) tells us about. The rule
// everywhere: the group is the authority on itself, so its own Block and what it announces
// (its facilitators' acts) are applied to our copy, and nothing else is. Each activity has
// one small handler below, so that reports and other instances' moderators can be added.

const log = logger("federation", "inbox", "moderation");
type Ctx = InboxContext<ContextData>;

/**
 * A remote group's Block (or its Undo) of one of our people from itself: sent by the group
 * (Copse), or by one of its moderators and announced by the group (Lemmy).
 */
function onBanChanged(ctx: Ctx, group: ActorRow, block: Block, banned: boolean): boolean {
  // A group bans people from itself only (Lemmy's site-wide bans target the instance).
  if (block.targetId && block.targetId.href !== group.iri) return false;
  if (!block.targetId && block.actorId?.href !== group.iri) return false;
  const person = block.objectId ? findActorByIri(ctx.data.db, block.objectId.href) : undefined;
  // Our copy keeps the group's bans of people from other servers too: our facilitators of it
  // list them, and lift them from here.
  if (person?.type !== "Person") return false;
  applyRemoteBan(ctx.data.db, group.id, person.id, banned);
  log.info("{group} {change} {person}", {
    group: group.iri,
    change: banned ? "banned" : "lifted the ban on",
    person: person.handle,
  });
  return true;
}

/** Handles Block: a remote community bans one of our people. */
export async function onBlocked(ctx: Ctx, block: Block): Promise<void> {
  // A facilitator on another server bans someone from a community hosted here.
  if (await onFacilitatorBlock(ctx, block)) return;
  const group = senderGroup(ctx, block);
  if (!group || !onBanChanged(ctx, group, block, true)) {
    log.info("Ignored Block {id}: not a community banning one of our people", {
      id: block.id?.href,
    });
  }
}

/** Handles Undo{Block} (called from the Undo listener once it has the Block). */
export async function onBlockUndone(ctx: Ctx, undo: Undo, block: Block): Promise<void> {
  const group = senderGroup(ctx, undo);
  if (!group || block.actorId?.href !== group.iri) return;
  onBanChanged(ctx, group, block, false);
}

/** The remote group that sent (and signed) an activity, if its actor is one. */
function senderGroup(ctx: Ctx, activity: Block | Undo): ActorRow | undefined {
  const group = activity.actorId ? findActorByIri(ctx.data.db, activity.actorId.href) : undefined;
  return group?.type === "Group" && !group.isLocal ? group : undefined;
}

/**
 * What a remote group announced, if it is moderation: a removal (Delete by someone other than
 * the author, with a reason) or its Undo, Add/Remove of a person to its moderators or of a
 * topic to its featured collection. Returns false for anything else.
 */
export async function onModerationAnnounced(
  ctx: Ctx,
  group: ActorRow,
  inner: unknown,
  announce: Announce,
): Promise<boolean> {
  if (inner instanceof Delete) return removalAnnounced(ctx, group, inner, true);
  // Lemmy's moderators ban with a Block that the community announces.
  if (inner instanceof Block) return onBanChanged(ctx, group, inner, true);
  if (inner instanceof Undo) {
    const undone = await inner.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null);
    if (undone instanceof Delete) return removalAnnounced(ctx, group, undone, false);
    if (undone instanceof Block) return onBanChanged(ctx, group, undone, false);
    const unlock = await lemmyLockIn(announce, 2);
    return unlock ? lockChanged(ctx, group, unlock.object, false) : false;
  }
  // Lemmy's Lock, which Fedify reads as a plain activity.
  const lock = await lemmyLockIn(announce, 1);
  if (lock) return lockChanged(ctx, group, lock.object, true);
  if (inner instanceof Update) return lockAnnounced(ctx, group, inner);
  if (inner instanceof Add || inner instanceof Remove) {
    return collectionChangeAnnounced(ctx, group, inner, inner instanceof Add);
  }
  return false;
}

/** A removal or restoration by the group's facilitators, applied to our copy. */
function removalAnnounced(ctx: Ctx, group: ActorRow, del: Delete, removed: boolean): boolean {
  const item = del.objectId ? findItemByIri(ctx.data.db, del.objectId.href) : undefined;
  // As in Lemmy, a reason (summary) marks a moderator's removal; an author's own deletion has
  // none and is handled as a deletion.
  if (!item || item.deletedAt || !del.summary) return false;
  if (!groupsOfItem(ctx.data.db, item.id).some((g) => g.id === group.id)) {
    log.warn("Refused {group}'s removal of {item}: not in that community", {
      group: group.iri,
      item: item.iri,
    });
    return true;
  }
  applyRemoteModeration(ctx.data.db, item, { removed, reason: del.summary?.toString() ?? "" });
  log.info("{group} {change} {item}", {
    group: group.iri,
    change: removed ? "removed" : "restored",
    item: item.iri,
  });
  return true;
}

/**
 * A topic locked or unlocked: the group announces an Update whose object carries only a reply
 * policy. Updates without one are edits, left to the content handler (returns false).
 */
async function lockAnnounced(ctx: Ctx, group: ActorRow, update: Update): Promise<boolean> {
  const page = await update.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null);
  const locked =
    page && "interactionPolicy" in page ? lockedByPolicy(page.interactionPolicy) : null;
  if (locked === null || update.actorId?.href !== group.iri || !page?.id) return false;
  return lockChanged(ctx, group, page.id.href, locked);
}

/** Locks or unlocks our copy of a topic of the group, if it is one. */
function lockChanged(ctx: Ctx, group: ActorRow, itemIri: string, locked: boolean): boolean {
  const item = findItemByIri(ctx.data.db, itemIri);
  if (
    item?.kind !== "topic" ||
    !groupsOfItem(ctx.data.db, item.id).some((g) => g.id === group.id)
  ) {
    return true;
  }
  applyRemoteModeration(ctx.data.db, item, { locked });
  log.info("{group} {change} {item}", {
    group: group.iri,
    change: locked ? "locked" : "unlocked",
    item: item.iri,
  });
  return true;
}

/** A person added to (or removed from) the moderators, or a topic to (or from) featured. */
function collectionChangeAnnounced(
  ctx: Ctx,
  group: ActorRow,
  activity: Add | Remove,
  add: boolean,
) {
  if (!activity.targetId || activity.targetId.origin !== new URL(group.iri).origin) return false;
  const objectIri = activity.objectId?.href ?? "";
  const item = findItemByIri(ctx.data.db, objectIri);
  if (item) {
    if (item.kind !== "topic" || !groupsOfItem(ctx.data.db, item.id).some((g) => g.id === group.id))
      return true;
    applyRemoteModeration(ctx.data.db, item, { pinned: add });
    return true;
  }
  const person = findActorByIri(ctx.data.db, objectIri);
  if (person?.type !== "Person") return false;
  applyRemoteRole(ctx.data.db, group.id, person.id, add);
  return true;
}
