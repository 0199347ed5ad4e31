import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { actors, pollVotes } from "../../db/schema/index.ts";
import type { ActorRow } from "../actors.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { groupsOfItem, type ItemRow } from "../items.ts";
import { isActiveMember } from "../membership.ts";
import { getPoll, isClosed, optionsOf, type PollOptionRow, type PollRow } from "./polls.ts";
import { markTotalsChanged } from "./totals.ts";

/** A row of the poll_votes table: one voter's choice of one option. */
export type PollVoteRow = typeof pollVotes.$inferSelect;

/**
 * How a vote is cast: `new` is someone's first vote (refused if they already voted), `change`
 * replaces their whole vote (local people in polls hosted here), and `add` is one option of a
 * vote arriving from another server, as Mastodon sends one Create{Note} per option chosen.
 */
export type VoteMode = "new" | "change" | "add";

/** The options someone chose in a poll, by option id (empty if they have not voted). */
export function votesOf(db: Db, itemId: number, voterId: number): PollVoteRow[] {
  return db
    .select()
    .from(pollVotes)
    .where(and(eq(pollVotes.itemId, itemId), eq(pollVotes.voterId, voterId)))
    .all();
}

/** Whether someone may vote in a poll at all: an active member of one of its communities. */
export function mayVote(db: Db, item: ItemRow, voterId: number): boolean {
  return groupsOfItem(db, item.id).some((g) => isActiveMember(db, g.id, voterId));
}

/** The poll's settings and options, or NotFoundError when the item is not a live poll. */
function livePoll(db: Db, item: ItemRow): { poll: PollRow; options: PollOptionRow[] } {
  const poll = item.kind === "poll" && !item.deletedAt ? getPoll(db, item.id) : undefined;
  if (!poll) throw new NotFoundError("That poll does not exist");
  return { poll, options: optionsOf(db, item.id) };
}

/**
 * Casts a vote, local or remote, after checking every rule: the poll is open, the voter is an
 * active member of its community (public communities too: Mastodon users who follow one are
 * members), every option belongs to the poll, a single-choice poll gets one option, and
 * nobody votes twice (a change replaces the old vote instead). `iriFor` names the Create{Note}
 * each option travels in (remote votes, and our people's votes in polls hosted elsewhere).
 * A vote in a poll hosted here marks its totals as changed (src/domain/poll-totals.ts).
 */
export function castVote(
  db: Db,
  item: ItemRow,
  voter: ActorRow,
  optionIds: number[],
  options: { mode: VoteMode; iriFor?: (optionId: number) => string | null; now?: Date },
): PollVoteRow[] {
  const { poll, options: pollOptions } = livePoll(db, item);
  if (isClosed(poll, options.now)) {
    throw new ConflictError("This poll has closed, so it no longer takes votes");
  }
  if (!mayVote(db, item, voter.id)) {
    throw new ForbiddenError("Only members of the community can vote in this poll");
  }
  const chosen = [...new Set(optionIds)];
  const field = "choice";
  if (chosen.length === 0) {
    throw new ValidationError([
      { field, message: poll.multiple ? "Choose at least one option" : "Choose an option" },
    ]);
  }
  const known = new Set(pollOptions.map((o) => o.id));
  if (chosen.some((id) => !known.has(id))) {
    throw new ValidationError([{ field, message: "Choose one of this poll's options" }]);
  }
  if (!poll.multiple && chosen.length > 1) {
    throw new ValidationError([{ field, message: "Choose only one option" }]);
  }
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const existing = votesOf(txDb, item.id, voter.id);
    if (existing.length > 0) {
      if (options.mode === "new" || (options.mode === "add" && !poll.multiple)) {
        throw new ConflictError("You have already voted in this poll");
      }
      if (options.mode === "add" && existing.some((v) => chosen.includes(v.optionId))) {
        throw new ConflictError("You have already voted for that option");
      }
      if (options.mode === "change") {
        // A vote sent to another server cannot be taken back there, so it stays as cast.
        if (!item.isLocal) throw new ConflictError("Votes in polls on other servers are final");
        txDb
          .delete(pollVotes)
          .where(and(eq(pollVotes.itemId, item.id), eq(pollVotes.voterId, voter.id)))
          .run();
      }
    }
    const at = options.now ?? new Date();
    // Other servers learn the new totals from a task that sends one Update for many votes.
    if (item.isLocal) markTotalsChanged(txDb, item.id);
    return chosen.map((optionId) =>
      txDb
        .insert(pollVotes)
        .values({
          itemId: item.id,
          optionId,
          voterId: voter.id,
          iri: options.iriFor?.(optionId) ?? null,
          createdAt: at,
        })
        .returning()
        .get(),
    );
  });
}

/**
 * A vote from another server names its option by title (Mastodon's `name`); this finds it, or
 * refuses with a clear reason when the poll has no such option.
 */
export function optionNamed(db: Db, item: ItemRow, name: string): PollOptionRow {
  const wanted = name.replace(/\s+/g, " ").trim();
  const option = optionsOf(db, item.id).find((o) => o.name === wanted);
  if (!option) throw new ValidationError([{ field: "choice", message: `No option "${wanted}"` }]);
  return option;
}

/** Whether a vote with this id (a Create{Note} redelivered) was already counted. */
export function voteByIri(db: Db, iri: string): PollVoteRow | undefined {
  return db.select().from(pollVotes).where(eq(pollVotes.iri, iri)).get();
}

/** The people on other servers who voted in a poll, each once. */
export function remoteVotersOf(db: Db, itemId: number): ActorRow[] {
  return db
    .selectDistinct({ actor: actors })
    .from(pollVotes)
    .innerJoin(actors, eq(actors.id, pollVotes.voterId))
    .where(and(eq(pollVotes.itemId, itemId), eq(actors.isLocal, false)))
    .all()
    .map((r) => r.actor);
}
