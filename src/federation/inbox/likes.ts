import type { InboxContext } from "@fedify/fedify";
import {
  type Activity,
  Dislike,
  EmojiReact,
  Like,
  type Undo,
  Undo as UndoActivity,
} from "@fedify/vocab";
import { type ActorRow, findActorByIri } from "../../domain/actors.ts";
import { canView, findItemByIri, groupsOfItem, type ItemRow } from "../../domain/items.ts";
import { isActiveMember } from "../../domain/membership.ts";
import { isBannedFromItem } from "../../domain/moderation/members.ts";
import { recordLike, removeLike } from "../../domain/ratings.ts";
import {
  castVote,
  findVote,
  findVoteByActivity,
  isVotable,
  mayVote,
  type VoteValue,
  withdrawVote,
} from "../../domain/votes.ts";
import { logger } from "../../logging.ts";
import type { ContextData, CopseContext } from "../context.ts";
import { fetchAndStoreActor } from "../lookup.ts";
import { announceVote } from "../votes.ts";

// Votes from other servers: Lemmy's `Like` and `Dislike`, Mastodon's `Like` (a favourite),
// Misskey's `EmojiReact` (counted as an up-vote; the emoji is not kept), and the `Undo` of
// each. The vote is counted once per person and item. When the item's community lives here,
// it announces the vote as received to its followers, as Lemmy's communities do; an
// EmojiReact is counted but not passed on, because Lemmy and Mastodon cannot read it.
// A Like of a document is a rating without stars instead (src/domain/ratings.ts).

const log = logger("federation", "inbox", "likes");
type Ctx = InboxContext<ContextData>;

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

/** Whether a remote person may rate a document here: anyone for public ones, members otherwise. */
export function mayRate(ctx: CopseContext, item: ItemRow, actor: ActorRow): boolean {
  if (item.visibility === "public") {
    return canView(ctx.data.db, item, actor.id) && !isBannedFromItem(ctx.data.db, item, actor.id);
  }
  return groupsOfItem(ctx.data.db, item.id).some((g) =>
    isActiveMember(ctx.data.db, g.id, actor.id),
  );
}

/** A Like of a document: a rating without stars. */
async function onDocumentLiked(ctx: Ctx, like: Like, item: ItemRow): Promise<void> {
  const actor = like.actorId ? await senderOf(ctx, like.actorId.href) : null;
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

/**
 * Counts a vote on an item held here. `relay` says whether this server should pass it on
 * (the item's community lives here and the vote came straight from the voter); a vote
 * announced by a remote community is only counted.
 */
export async function countVote(
  ctx: CopseContext,
  activity: Like | Dislike | EmojiReact,
  relay: boolean,
): Promise<void> {
  const item = activity.objectId ? findItemByIri(ctx.data.db, activity.objectId.href) : undefined;
  const type = activity.constructor.name;
  if (!item || !activity.actorId) {
    log.debug("Ignored {type} of {object}: not held here", {
      type,
      object: activity.objectId?.href,
    });
    return;
  }
  if (item.kind === "document" && activity instanceof Like) {
    await onDocumentLiked(ctx as Ctx, activity, item);
    return;
  }
  const actor = await senderOf(ctx, activity.actorId.href);
  if (!actor || actor.isLocal || !isVotable(item)) return;
  if (!mayVote(ctx.data.db, item, actor.id)) {
    log.info("Ignored {type} of {item} by {actor}: they may not vote on it", {
      type,
      item: item.iri,
      actor: actor.iri,
    });
    return;
  }
  const value: VoteValue = activity instanceof Dislike ? -1 : 1;
  const id = activity.id?.href ?? `${actor.iri}#vote-${item.id}`;
  if (castVote(ctx.data.db, item, actor.id, value, id) === undefined) return;
  log.info("Counted {type} of {item} by {actor}", { type, item: item.iri, actor: actor.iri });
  if (relay && !(activity instanceof EmojiReact)) await announceVote(ctx, item, activity);
}

/** Someone on another server votes up (Like) on something we hold. */
export async function onLiked(ctx: Ctx, like: Like): Promise<void> {
  await countVote(ctx, like, true);
}

/** Someone on another server votes down (Lemmy's Dislike). */
export async function onDisliked(ctx: Ctx, dislike: Dislike): Promise<void> {
  await countVote(ctx, dislike, true);
}

/** Misskey's emoji reaction, counted as an up-vote. */
export async function onEmojiReacted(ctx: Ctx, react: EmojiReact): Promise<void> {
  await countVote(ctx, react, true);
}

/** Whether an activity is one of the kinds of vote. */
export function isVote(object: unknown): object is Like | Dislike | EmojiReact {
  return object instanceof Like || object instanceof Dislike || object instanceof EmojiReact;
}

/**
 * Someone withdraws a vote (`Undo{Like}`, `Undo{Dislike}`, `Undo{EmojiReact}`), or a Like of
 * a document (its starless rating goes). Only the voter may undo their vote. `relay` as for
 * countVote.
 */
export async function onVoteUndone(
  ctx: CopseContext,
  vote: Like | Dislike | EmojiReact,
  undo: Undo,
  relay: boolean,
): Promise<void> {
  const undoerIri = undo.actorId?.href ?? "";
  if (vote.actorId?.href !== undoerIri || !vote.objectId) return;
  const item = findItemByIri(ctx.data.db, vote.objectId.href);
  const actor = findActorByIri(ctx.data.db, undoerIri);
  if (!item || !actor || actor.isLocal) return;
  if (item.kind === "document") {
    if (removeLike(ctx.data.db, item.id, actor.id)) {
      log.info("Removed the Like of {item} by {actor}", { item: item.iri, actor: actor.iri });
    }
    return;
  }
  // An Undo of an older vote (an up-vote since replaced by a down-vote) leaves the newer one.
  const current = findVote(ctx.data.db, item.id, actor.id);
  const sameVote = !vote.id || current?.activityIri === vote.id.href;
  if (!current || !sameVote) return;
  withdrawVote(ctx.data.db, item.id, actor.id);
  log.info("Withdrew the vote on {item} by {actor}", { item: item.iri, actor: actor.iri });
  if (relay && !(vote instanceof EmojiReact)) await announceVote(ctx, item, undo as Activity);
}

/** An Undo that names the vote by id only: the vote is found by the id it was stored with. */
export function onVoteUndoneById(ctx: CopseContext, undo: Undo): boolean {
  const voteIri = undo.objectId?.href;
  const undoer = undo.actorId ? findActorByIri(ctx.data.db, undo.actorId.href) : undefined;
  if (!voteIri || !undoer || undoer.isLocal) return false;
  const vote = findVoteByActivity(ctx.data.db, voteIri, undoer.id);
  if (!vote) return false;
  withdrawVote(ctx.data.db, vote.itemId, undoer.id);
  log.info("Withdrew vote {vote} by {actor}", { vote: voteIri, actor: undoer.iri });
  return true;
}

/**
 * A remote community we follow passes on a vote (`Announce{Like}`, `Announce{Dislike}`,
 * `Announce{Undo{…}}`, as Lemmy's communities do). It is counted when the item is in that
 * community: the community vouches for its members' votes on its own content only.
 */
export async function onVoteAnnounced(
  ctx: CopseContext,
  group: ActorRow,
  inner: unknown,
): Promise<boolean> {
  const inGroup = (objectId: URL | null) => {
    const item = objectId ? findItemByIri(ctx.data.db, objectId.href) : undefined;
    return item !== undefined && groupsOfItem(ctx.data.db, item.id).some((g) => g.id === group.id);
  };
  if (isVote(inner)) {
    if (inGroup(inner.objectId)) await countVote(ctx, inner, false);
    return true;
  }
  if (!(inner instanceof UndoActivity)) return false;
  const vote = await inner
    .getObject({ ...ctx, documentLoader: refuseLoading, suppressError: true })
    .catch(() => null);
  if (!isVote(vote)) return false;
  if (inGroup(vote.objectId)) await onVoteUndone(ctx, vote, inner, false);
  return true;
}

// An announced Undo carries its vote embedded; a vote named by id is not fetched.
const refuseLoading = async (): Promise<never> => {
  throw new Error("Announced votes are not fetched");
};
