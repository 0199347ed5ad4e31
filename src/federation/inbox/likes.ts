import type { InboxContext } from "@fedify/fedify";
import type { Like } from "@fedify/vocab";
import { type ActorRow, findActorByIri } from "../../domain/actors.ts";
import { canView, findItemByIri, groupsOfItem, type ItemRow } from "../../domain/items.ts";
import { isActiveMember } from "../../domain/membership.ts";
import { isBannedFromItem } from "../../domain/moderation/members.ts";
import { recordLike, removeLike } from "../../domain/ratings.ts";
import { logger } from "../../logging.ts";
import type { ContextData, CopseContext } from "../context.ts";
import { fetchAndStoreActor } from "../lookup.ts";

const log = logger("federation", "inbox", "likes");

/** Finds (or fetches and stores) the person behind an incoming activity. */
async function senderOf(ctx: CopseContext, iri: string): Promise<ActorRow | null> {
  const known = findActorByIri(ctx.data.db, iri);
  if (known) return known;
  try {
    return await fetchAndStoreActor(ctx, iri);
  } catch {
    return null;
  }
}

/** Whether a remote person may rate an item here: anyone for public ones, members otherwise. */
function mayRate(ctx: CopseContext, item: ItemRow, actor: ActorRow): boolean {
  if (item.visibility === "public") {
    return canView(ctx.data.db, item, actor.id) && !isBannedFromItem(ctx.data.db, item, actor.id);
  }
  return groupsOfItem(ctx.data.db, item.id).some((g) =>
    isActiveMember(ctx.data.db, g.id, actor.id),
  );
}

/**
 * Someone on another server likes something we hold. A Like of a document counts as a
 * rating without stars (see src/domain/ratings.ts); Likes of other content are not kept.
 */
export async function onLiked(ctx: InboxContext<ContextData>, like: Like): Promise<void> {
  const item = like.objectId ? findItemByIri(ctx.data.db, like.objectId.href) : undefined;
  if (item?.kind !== "document" || item.deletedAt || !like.actorId) {
    log.debug("Ignored Like of {object}: not a document held here", {
      object: like.objectId?.href,
    });
    return;
  }
  const actor = await senderOf(ctx, like.actorId.href);
  if (!actor || actor.isLocal) return;
  if (!mayRate(ctx, item, actor)) {
    log.info("Ignored Like of {item} by {actor}: not a member", {
      item: item.iri,
      actor: actor.iri,
    });
    return;
  }
  const likeIri = like.id?.href ?? `${actor.iri}#like-${item.id}`;
  if (recordLike(ctx.data.db, item, actor.id, likeIri)) {
    log.info("Recorded a Like of {item} by {actor}", { item: item.iri, actor: actor.iri });
  }
}

/** Someone withdraws a Like (`Undo{Like}`): the starless rating it made goes. */
export async function onLikeUndone(
  ctx: InboxContext<ContextData>,
  like: Like,
  undoerIri: string,
): Promise<void> {
  if (like.actorId?.href !== undoerIri || !like.objectId) return;
  const item = findItemByIri(ctx.data.db, like.objectId.href);
  const actor = findActorByIri(ctx.data.db, undoerIri);
  if (item && actor && removeLike(ctx.data.db, item.id, actor.id)) {
    log.info("Removed the Like of {item} by {actor}", { item: item.iri, actor: actor.iri });
  }
}
