import { type Activity, Dislike, Like, Undo } from "@fedify/vocab";
import type { ActorRow } from "../domain/actors.ts";
import { groupsOfItem, type ItemRow } from "../domain/items.ts";
import type { VoteRow, VoteValue } from "../domain/votes.ts";
import { logger } from "../logging.ts";
import { groupAnnounce, sendToFollowers } from "./announces.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { recipientOf } from "./recipients.ts";

// Votes travel as Lemmy sends them (crates/apub/activities/src/protocol/voting/vote.rs:
// `Like` or `Dislike` with `id`, `actor`, `object` the post or comment, and `audience` the
// community; undo_vote.rs: `Undo` embedding the vote). A vote goes to the item's community;
// the community's home counts it and announces it to its followers (`Announce{Like}`, as
// Lemmy's community does), so every server that follows the community counts the same votes.

const log = logger("federation", "votes");

/** The Like or Dislike a vote was made with, rebuilt from what is stored. */
export function voteActivity(
  item: ItemRow,
  voter: ActorRow,
  value: VoteValue,
  id: URL,
  community: ActorRow | undefined,
): Like | Dislike {
  const values = {
    id,
    actor: new URL(voter.iri),
    object: new URL(item.iri),
    audience: community ? new URL(community.iri) : null,
  };
  return value > 0 ? new Like(values) : new Dislike(values);
}

/**
 * A local community passes a vote (or its Undo) on to its followers. Members-only items'
 * votes go to the followers alone, as the items do.
 */
export async function announceVote(
  ctx: CopseContext,
  item: ItemRow,
  activity: Activity,
): Promise<void> {
  for (const group of groupsOfItem(ctx.data.db, item.id).filter((g) => g.isLocal)) {
    await sendToFollowers(ctx, group, groupAnnounce(ctx, group, activity, item.visibility));
  }
}

/**
 * Sends a local person's vote, or its withdrawal (`value` null), where the item's
 * communities live: a local community announces it; a remote one receives it from the voter
 * and announces it itself. `previous` is the vote it replaces or withdraws.
 */
export async function sendLocalVote(
  ctx: CopseContext,
  item: ItemRow,
  voter: ActorRow,
  value: VoteValue | null,
  previous: VoteRow | null,
  activityIri: URL,
): Promise<void> {
  if (!voter.isLocal) return;
  const groups = groupsOfItem(ctx.data.db, item.id);
  let activity: Activity;
  if (value !== null) {
    activity = voteActivity(item, voter, value, activityIri, groups[0]);
  } else if (previous) {
    const undone = voteActivity(
      item,
      voter,
      previous.value as VoteValue,
      new URL(previous.activityIri),
      groups[0],
    );
    activity = new Undo({
      id: activityIri,
      actor: new URL(voter.iri),
      object: undone,
      audience: groups[0] ? new URL(groups[0].iri) : null,
    });
  } else return;
  for (const group of groups) {
    if (group.isLocal) {
      await sendToFollowers(ctx, group, groupAnnounce(ctx, group, activity, item.visibility));
    } else {
      await ctx.sendActivity({ identifier: voter.handle }, recipientOf(group), activity);
    }
  }
  log.info("Sent {type} of {item} by {voter} to {count} communities", {
    type: activity.constructor.name,
    item: item.iri,
    voter: voter.iri,
    count: groups.length,
  });
}

/** A fresh id for a local vote or its withdrawal. */
export function newVoteIri(ctx: CopseContext, value: VoteValue | null): URL {
  return newActivityIri(ctx, value === null ? "undo" : value > 0 ? "like" : "dislike");
}
