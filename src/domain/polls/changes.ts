import { count, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { pollOptions, polls, pollVotes } from "../../db/schema/index.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors.ts";
import { canModerate, deleteItem, editItem, type ItemRow } from "../items.ts";
import { type PollForm, parsePollForm } from "./form.ts";
import { getPoll, isClosed, type PollRow } from "./polls.ts";

// What a facilitator may do to a poll after asking it: close it early, delete it, and change
// it while nobody has voted yet. Once someone has voted, changing the question or the options
// would change what their vote means, so the poll stays as it was asked.

/** Whether someone may close, change or delete a poll: a poll hosted here that they moderate. */
export function mayChangePoll(db: Db, item: ItemRow, actorId: number): boolean {
  return item.isLocal && item.kind === "poll" && canModerate(db, item, actorId);
}

/** Whether anyone has voted in a poll. */
export function hasVotes(db: Db, itemId: number): boolean {
  const row = db.select({ n: count() }).from(pollVotes).where(eq(pollVotes.itemId, itemId)).get();
  return (row?.n ?? 0) > 0;
}

/** The poll's settings after checking it is live and the actor may change it. */
function changeablePoll(db: Db, item: ItemRow, actorId: number): PollRow {
  const poll = item.kind === "poll" && !item.deletedAt ? getPoll(db, item.id) : undefined;
  if (!poll) throw new NotFoundError("That poll does not exist");
  if (!mayChangePoll(db, item, actorId)) {
    throw new ForbiddenError("Only the community's facilitators can change this poll");
  }
  return poll;
}

/**
 * Closes an open poll at once: its closing time becomes now, so votes are refused from here
 * on. Telling other servers is the caller's part (src/federation/polls.ts).
 */
export function closePollNow(db: Db, item: ItemRow, actorId: number, now = new Date()): PollRow {
  const poll = changeablePoll(db, item, actorId);
  if (isClosed(poll, now)) throw new ConflictError("This poll has already closed");
  return db.update(polls).set({ endsAt: now }).where(eq(polls.itemId, item.id)).returning().get();
}

/**
 * Deletes a poll as other items are deleted (a tombstone keeps its id, so links say it was
 * deleted), and its votes with it: nobody can see them any more, so nothing keeps them.
 */
export function deletePoll(db: Db, item: ItemRow, actorId: number): ItemRow {
  changeablePoll(db, item, actorId);
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    txDb.delete(pollVotes).where(eq(pollVotes.itemId, item.id)).run();
    // Nothing more to tell other servers about totals: the Delete says it all.
    txDb.update(polls).set({ unsentTotalsChanges: 0 }).where(eq(polls.itemId, item.id)).run();
    return deleteItem(txDb, item, actorId);
  });
}

/**
 * Changes a poll's question, description, options, choice and closing time, as long as it is
 * open and nobody has voted. Votes are looked for inside the transaction that replaces the
 * options, so a vote arriving meanwhile is never left pointing at an option that went away.
 */
export function editPoll(
  db: Db,
  item: ItemRow,
  actorId: number,
  input: { form: PollForm; timeZone: string; now?: Date },
): ItemRow {
  const poll = changeablePoll(db, item, actorId);
  if (isClosed(poll, input.now)) {
    throw new ConflictError("This poll has closed, so it can no longer be changed");
  }
  const draft = parsePollForm(input.form, input.timeZone, input.now);
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    if (hasVotes(txDb, item.id)) {
      throw new ConflictError("People have voted in this poll, so it can no longer be changed");
    }
    const edited = editItem(txDb, item, actorId, { title: draft.question, body: draft.body });
    txDb
      .update(polls)
      .set({ multiple: draft.multiple, endsAt: draft.endsAt })
      .where(eq(polls.itemId, item.id))
      .run();
    txDb.delete(pollOptions).where(eq(pollOptions.itemId, item.id)).run();
    draft.options.forEach((name, position) => {
      txDb.insert(pollOptions).values({ itemId: item.id, position, name }).run();
    });
    return edited;
  });
}
