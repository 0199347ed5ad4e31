import type { InboxContext } from "@fedify/fedify";
import { type Object as APObject, type Create, Note, Question } from "@fedify/vocab";
import { findActorByIri } from "../../domain/actors.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../domain/errors.ts";
import { findItemByIri, type ItemRow } from "../../domain/items.ts";
import { saveRemotePoll } from "../../domain/polls/polls.ts";
import { castVote, optionNamed, voteByIri } from "../../domain/polls/votes.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { remotePollDetails } from "../vocab/polls.ts";

// Votes, as Mastodon sends them: a Create{Note} whose `name` is the option chosen and whose
// `inReplyTo` is the Question, addressed to the poll's author only, one per option. They are
// caught before any other Create handling, so a vote is never mistaken for a reply or a
// direct message. Refused votes are logged and change nothing; the voter's server gets no
// answer, as Mastodon gives none.

const log = logger("federation", "inbox", "polls");
type Ctx = InboxContext<ContextData>;

/**
 * The poll a Note answers, when it is a vote: a named Note without content replying to a poll
 * we hold, as Mastodon sends votes. A reply with content is a reply, even with a `name`:
 * NodeBB repeats the topic's title as the `name` of every reply.
 */
function pollAnswered(ctx: Ctx, object: APObject | null): ItemRow | undefined {
  if (!(object instanceof Note) || !object.name || !object.replyTargetId) return undefined;
  if (object.content && object.content.toString().trim() !== "") return undefined;
  const item = findItemByIri(ctx.data.db, object.replyTargetId.href);
  return item?.kind === "poll" ? item : undefined;
}

/** Counts a vote from another server; returns whether the Create was a vote (even a refused one). */
export async function onPollVote(ctx: Ctx, create: Create): Promise<boolean> {
  const actorId = create.actorId;
  // Votes travel embedded in their Create from the voter's own server; nothing is fetched.
  if (!actorId || !create.objectId || create.objectId.origin !== actorId.origin) return false;
  const object = await create.getObject(ctx).catch(() => null);
  const item = pollAnswered(ctx, object);
  if (!item || !(object instanceof Note)) return false;
  const refuse = (reason: string) => {
    log.info("Refused a vote from {voter} in {poll}: {reason}", {
      voter: actorId.href,
      poll: item.iri,
      reason,
    });
    return true;
  };
  // Only the poll's home counts votes; a copy here shows the totals its home sends.
  if (!item.isLocal) return refuse("the poll is hosted elsewhere");
  if (object.attributionId && object.attributionId.href !== actorId.href) {
    return refuse("the vote's author is not its sender");
  }
  const voter = findActorByIri(ctx.data.db, actorId.href);
  if (!voter || voter.isLocal) return refuse("the voter is not a member of the community");
  const iri = object.id?.href ?? null;
  if (iri && voteByIri(ctx.data.db, iri)) return refuse("that vote was already counted");
  try {
    const option = optionNamed(ctx.data.db, item, object.name?.toString() ?? "");
    castVote(ctx.data.db, item, voter, [option.id], { mode: "add", iriFor: () => iri });
  } catch (error) {
    if (
      error instanceof ConflictError ||
      error instanceof ForbiddenError ||
      error instanceof NotFoundError ||
      error instanceof ValidationError
    ) {
      return refuse(error.message);
    }
    throw error;
  }
  // Everyone following the community sees the new totals in the next Update{Question} the
  // totals task sends, one for a whole burst of votes (src/domain/polls/totals.ts).
  log.info("Counted a vote from {voter} in {poll}", { voter: voter.iri, poll: item.iri });
  return true;
}

/**
 * Stores the options and totals of a remote poll just stored or updated. The object came
 * from the poll's own server (or was checked against it), so its totals are the home's.
 */
export async function storeRemotePoll(ctx: Ctx, item: ItemRow, object: APObject): Promise<void> {
  if (item.kind !== "poll" || item.isLocal || !(object instanceof Question)) return;
  const details = await remotePollDetails(object);
  if (!details) {
    log.info("Poll {iri} lists no options; it is kept without any", { iri: item.iri });
    return;
  }
  saveRemotePoll(ctx.data.db, item.id, details);
}
