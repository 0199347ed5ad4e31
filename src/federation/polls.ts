import { randomUUID } from "node:crypto";
import { Create, Note, Update } from "@fedify/vocab";
import { type ActorRow, getActor } from "../domain/actors.ts";
import type { ItemRow } from "../domain/items.ts";
import { closePollNow } from "../domain/polls/changes.ts";
import { markClosedAnnounced, optionsOf, pollsClosedUnannounced } from "../domain/polls/polls.ts";
import { pollsWithUnsentTotals, totalsSent } from "../domain/polls/totals.ts";
import { castVote, type PollVoteRow, remoteVotersOf } from "../domain/polls/votes.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { localItemObject, publishItemChange } from "./publish.ts";
import { recipientOf } from "./recipients.ts";

const log = logger("federation", "polls");

/**
 * Sends a local poll's current totals: its communities announce the author's Update{Question}
 * to their members, and, as Mastodon does, the author also sends the Update straight to the
 * voters on other servers, since Mastodon refreshes a poll on an Update from its author.
 */
export async function publishPollTotals(ctx: CopseContext, item: ItemRow): Promise<void> {
  await publishItemChange(ctx, item, "update");
  const author = getActor(ctx.data.db, item.authorId);
  const voters = remoteVotersOf(ctx.data.db, item.id);
  if (!author?.isLocal || voters.length === 0) return;
  const update = new Update({
    id: newActivityIri(ctx, "update"),
    actor: new URL(author.iri),
    object: localItemObject(ctx, item),
    tos: voters.map((v) => new URL(v.iri)),
  });
  await ctx.sendActivity({ identifier: author.handle }, voters.map(recipientOf), update, {
    preferSharedInbox: true,
  });
}

/**
 * A local person votes (or changes their vote). In a poll hosted here the vote is counted at
 * once and the new totals go out with the next run of the totals task (sendUnsentTotals), one
 * Update for however many votes came in meanwhile. In a poll hosted elsewhere the vote is
 * recorded here (so this server remembers it) and sent to the poll's author as Mastodon does:
 * one Create{Note} per option, whose `name` is the option and `inReplyTo` the Question.
 */
export async function voteInPoll(
  ctx: CopseContext,
  item: ItemRow,
  voter: ActorRow,
  optionIds: number[],
  change: boolean,
): Promise<PollVoteRow[]> {
  const { db } = ctx.data;
  if (item.isLocal) {
    return castVote(db, item, voter, optionIds, { mode: change ? "change" : "new" });
  }
  // Mastodon names votes after their voter with a fragment; so does Copse.
  const votes = castVote(db, item, voter, optionIds, {
    mode: change ? "change" : "new",
    iriFor: () => `${voter.iri}#votes/${randomUUID()}`,
  });
  const author = getActor(db, item.authorId);
  if (!author || author.isLocal) return votes;
  const names = new Map(optionsOf(db, item.id).map((o) => [o.id, o.name]));
  for (const vote of votes) {
    const create = new Create({
      id: newActivityIri(ctx, "create"),
      actor: new URL(voter.iri),
      to: new URL(author.iri),
      object: new Note({
        id: new URL(vote.iri!),
        attribution: new URL(voter.iri),
        to: new URL(author.iri),
        name: names.get(vote.optionId) ?? "",
        replyTarget: new URL(item.iri),
      }),
    });
    await ctx.sendActivity({ identifier: voter.handle }, recipientOf(author), create);
  }
  log.info("{voter} voted in {poll} on {host}", {
    voter: voter.handle,
    poll: item.iri,
    host: author.host,
  });
  return votes;
}

/**
 * Sends the final totals of every local poll that has closed since the last run, so other
 * servers (and Mastodon) show it as closed. Marked once sent, so each goes out once.
 */
export async function announceClosedPolls(ctx: CopseContext, now = new Date()): Promise<number> {
  const due = pollsClosedUnannounced(ctx.data.db, now);
  for (const item of due) {
    await publishPollTotals(ctx, item);
    markClosedAnnounced(ctx.data.db, item.id, now);
    log.info("Poll {poll} closed; final totals sent", { poll: item.iri });
  }
  return due.length;
}

/**
 * Sends one Update with the latest totals for each local poll that has had votes since its
 * last Update, however many votes that was (src/domain/polls/totals.ts). Deleted polls are only
 * cleared: their Delete has gone out.
 */
export async function sendUnsentTotals(ctx: CopseContext): Promise<number> {
  let sent = 0;
  for (const { item, changes } of pollsWithUnsentTotals(ctx.data.db)) {
    if (!item.deletedAt && item.status === "published") {
      await publishPollTotals(ctx, item);
      sent += 1;
    }
    totalsSent(ctx.data.db, item.id, changes);
  }
  if (sent > 0) log.debug("Sent the totals of {sent} polls", { sent });
  return sent;
}

/**
 * A facilitator closes a poll early: votes stop now, and other servers get an Update{Question}
 * marked `closed` with the final totals, so the closing task has nothing left to send.
 */
export async function closePollEarly(
  ctx: CopseContext,
  item: ItemRow,
  actorId: number,
  now = new Date(),
): Promise<void> {
  closePollNow(ctx.data.db, item, actorId, now);
  await publishPollTotals(ctx, item);
  markClosedAnnounced(ctx.data.db, item.id, now);
  log.info("Poll {poll} closed early; final totals sent", { poll: item.iri });
}
