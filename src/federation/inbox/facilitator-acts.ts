import type { InboxContext } from "@fedify/fedify";
import type { Activity, Add, Block, Delete, Remove, Undo } from "@fedify/vocab";
import { type ActorRow, findActorByIri, findLocalActor } from "../../domain/actors.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../domain/errors.ts";
import { findItemByIri, groupsOfItem, type ItemRow } from "../../domain/items.ts";
import { isFacilitator } from "../../domain/membership.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { fetchAndStoreActor } from "../lookup.ts";
import {
  banFromCommunity,
  changeFacilitator,
  lockTopic,
  moderateItem,
  pinTopic,
  unbanFromCommunity,
} from "../moderation.ts";
import { type LemmyLock, lemmyLockIn } from "../vocab/lemmy-lock.ts";

// A facilitator whose account is on another server acts on a community hosted here, sending
// what Lemmy's moderators send (FEP-1b12): Delete with a reason (and Undo) to remove and
// restore, Block with the community as target (and Undo) to ban, Lock (and Undo), and Add or
// Remove to the community's featured and moderators collections. Each goes through the same
// functions as a local facilitator's act (src/federation/moderation.ts), which check that the
// signed actor facilitates the community and outranks whom they act on, record it in the
// moderation log under their name and announce it to the members. Anything refused is logged
// with the reason and changes nothing. The outgoing side is src/federation/facilitator-sends.ts.

const log = logger("federation", "inbox", "facilitator-acts");
type Ctx = InboxContext<ContextData>;

/** What a remote act carries when its sender gave no reason; the log needs one. */
const NO_REASON = "No reason given";

/** The remote person who signed an act, fetched if new to us (they may not be a member). */
async function remoteActor(ctx: Ctx, iri: string | undefined): Promise<ActorRow | null> {
  if (!iri) return null;
  const known = findActorByIri(ctx.data.db, iri);
  if (known) return known.isLocal ? null : known;
  return fetchAndStoreActor(ctx, iri).catch(() => null);
}

/**
 * Runs an act through the domain and logs the outcome; a rule it breaks (not a facilitator,
 * outranked, nothing to do) is a refusal, logged with its reason.
 */
async function act(
  what: string,
  ids: { activity: string | undefined; actor: string; group: ActorRow },
  apply: () => Promise<unknown>,
): Promise<true> {
  try {
    await apply();
    log.info("Applied {what} {id} by {actor} in {group}", {
      what,
      id: ids.activity,
      actor: ids.actor,
      group: ids.group.handle,
    });
  } catch (error) {
    const known = [ForbiddenError, ConflictError, NotFoundError, ValidationError];
    if (!known.some((type) => error instanceof type)) throw error;
    log.warn("Refused {what} {id} by {actor} in {group}: {reason}", {
      what,
      id: ids.activity,
      actor: ids.actor,
      group: ids.group.handle,
      reason: (error as Error).message,
    });
  }
  return true;
}

/** Logs a refused act whose sender is not someone who could facilitate here. */
function refused(what: string, id: string | undefined, actor: string | undefined, why: string) {
  log.warn("Refused {what} {id} by {actor}: {reason}", { what, id, actor, reason: why });
  return true;
}

/**
 * The local community an item is moderated in: the one the activity names as `audience`
 * (Lemmy), else one the sender facilitates, else any (so that the refusal is logged there).
 */
function communityOf(
  ctx: Ctx,
  item: ItemRow,
  audience: string | null | undefined,
  actor: ActorRow | null,
): ActorRow | undefined {
  const local = groupsOfItem(ctx.data.db, item.id).filter((g) => g.isLocal);
  return (
    local.find((g) => g.iri === audience) ??
    local.find((g) => actor && isFacilitator(ctx.data.db, g.id, actor.id)) ??
    local[0]
  );
}

/** Whether an Undo was sent by whoever sent the activity it undoes. */
function sameSender(undo: Undo | undefined, actor: string | undefined): boolean {
  return !undo || (undo.actorId?.href !== undefined && undo.actorId.href === actor);
}

/**
 * A removal (Delete with a `summary`, as Lemmy marks a moderator's removal) or, with `undo`,
 * a restoration, of an item in a community hosted here. False when the Delete is something
 * else (an author's own deletion, or about an item of no local community).
 */
export async function onFacilitatorRemoval(ctx: Ctx, del: Delete, undo?: Undo): Promise<boolean> {
  const item = del.objectId ? findItemByIri(ctx.data.db, del.objectId.href) : undefined;
  if (!item || del.summary === null) return false;
  const actorIri = del.actorId?.href;
  const actor = await remoteActor(ctx, actorIri);
  const group = communityOf(ctx, item, del.audienceId?.href, actor);
  if (!group) return false;
  // An author deleting their own post with a summary (some servers add one) is deleting it.
  if (actor?.id === item.authorId && !isFacilitator(ctx.data.db, group.id, actor.id)) return false;
  const what = undo ? "restore" : "removal";
  if (!actor || !sameSender(undo, actorIri)) {
    return refused(what, del.id?.href, actorIri, "not a remote person, or not the Undo's sender");
  }
  const reason = (undo?.summary ?? del.summary)?.toString().trim() || NO_REASON;
  return act(what, { activity: (undo ?? del).id?.href, actor: actor.iri, group }, () =>
    moderateItem(ctx, { group, item, byActorId: actor.id, reason, remove: !undo }),
  );
}

/** The Lemmy `removeData` flag of a Block (remove everything the person wrote there too). */
async function removesData(block: Block): Promise<boolean> {
  const json = (await block.toJsonLd()) as Record<string, unknown>;
  return json.removeData === true;
}

/**
 * A ban (Block whose target is a community hosted here) or, with `undo`, its lifting. False
 * when the Block targets no local community (a remote group banning one of our people).
 */
export async function onFacilitatorBlock(ctx: Ctx, block: Block, undo?: Undo): Promise<boolean> {
  const target = block.targetId ? findActorByIri(ctx.data.db, block.targetId.href) : undefined;
  if (!target?.isLocal || target.type !== "Group") return false;
  const group = target;
  const actorIri = block.actorId?.href;
  const actor = await remoteActor(ctx, actorIri);
  const what = undo ? "unban" : "ban";
  if (!actor || !sameSender(undo, actorIri)) {
    return refused(what, block.id?.href, actorIri, "not a remote person, or not the Undo's sender");
  }
  const person = await remoteActor(ctx, block.objectId?.href).then(
    (row) => row ?? (block.objectId ? findActorByIri(ctx.data.db, block.objectId.href) : null),
  );
  if (person?.type !== "Person") return refused(what, block.id?.href, actorIri, "no such person");
  const reason = (undo?.summary ?? block.summary)?.toString().trim() || NO_REASON;
  const common = { group, target: person, byActorId: actor.id, reason };
  const until = block.endTime ? new Date(block.endTime.epochMilliseconds) : null;
  const removeContent = await removesData(block);
  return act(what, { activity: (undo ?? block).id?.href, actor: actor.iri, group }, () =>
    undo
      ? unbanFromCommunity(ctx, common)
      : banFromCommunity(ctx, { ...common, until, removeContent }),
  );
}

/**
 * Add or Remove to a local community's `featured` collection (pin, unpin) or its moderators
 * collection (appoint, dismiss). False when the target is no such collection here.
 */
export async function onFacilitatorCollectionChange(
  ctx: Ctx,
  activity: Add | Remove,
  added: boolean,
): Promise<boolean> {
  const parsed = activity.targetId ? ctx.parseUri(activity.targetId) : null;
  const identifier =
    parsed?.type === "featured"
      ? parsed.identifier
      : parsed?.type === "orderedCollection" && parsed.name === "moderators"
        ? parsed.values.identifier
        : undefined;
  const group = identifier ? findLocalActor(ctx.data.db, identifier) : undefined;
  if (group?.type !== "Group" || !parsed) return false;
  const actorIri = activity.actorId?.href;
  const actor = await remoteActor(ctx, actorIri);
  const pin = parsed.type === "featured";
  const what = pin ? (added ? "pin" : "unpin") : added ? "appoint" : "dismiss";
  if (!actor) return refused(what, activity.id?.href, actorIri, "not a remote person");
  const objectIri = activity.objectId?.href;
  const ids = { activity: activity.id?.href, actor: actor.iri, group };
  const reason = activity.summary?.toString().trim() ?? "";
  if (pin) {
    const item = objectIri ? findItemByIri(ctx.data.db, objectIri) : undefined;
    if (!item) return refused(what, activity.id?.href, actorIri, "no such topic here");
    return act(what, ids, () =>
      pinTopic(ctx, { group, item, byActorId: actor.id, reason, pinned: added }),
    );
  }
  const person = await remoteActor(ctx, objectIri).then(
    (row) => row ?? (objectIri ? findActorByIri(ctx.data.db, objectIri) : null),
  );
  if (person?.type !== "Person")
    return refused(what, activity.id?.href, actorIri, "no such person");
  return act(what, ids, () =>
    changeFacilitator(ctx, {
      group,
      target: person,
      byActorId: actor.id,
      reason: reason || NO_REASON,
      appoint: added,
    }),
  );
}

/** Lemmy's Lock (or, with `undo`, Undo{Lock}) of a topic in a community hosted here. */
export async function onFacilitatorLock(ctx: Ctx, lock: LemmyLock, undo?: Undo): Promise<boolean> {
  const item = findItemByIri(ctx.data.db, lock.object);
  const actor = await remoteActor(ctx, lock.actor);
  const group = item ? communityOf(ctx, item, lock.audience, actor) : undefined;
  if (!item || !group) return false;
  const what = undo ? "unlock" : "lock";
  if (!actor || !sameSender(undo, lock.actor)) {
    return refused(what, lock.id, lock.actor, "not a remote person, or not the Undo's sender");
  }
  const reason = (undo?.summary?.toString() ?? lock.summary).trim() || NO_REASON;
  return act(what, { activity: undo?.id?.href ?? lock.id, actor: actor.iri, group }, () =>
    lockTopic(ctx, { group, item, byActorId: actor.id, reason, locked: !undo }),
  );
}

/**
 * Handles activities of types Fedify does not know, which it reads as plain activities:
 * Lemmy's Lock is the one Copse uses; anything else is set aside with a note.
 */
export async function onOtherActivity(ctx: Ctx, activity: Activity): Promise<void> {
  const lock = await lemmyLockIn(activity);
  if (lock && (await onFacilitatorLock(ctx, lock))) return;
  log.info("Ignored activity {id} of an unknown type from {actor}", {
    id: activity.id?.href,
    actor: activity.actorId?.href,
  });
}
