import {
  and,
  asc,
  count,
  countDistinct,
  desc,
  eq,
  gt,
  isNull,
  lte,
  notInArray,
  type SQL,
  sql,
} from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { inIdList, preparedQuery } from "../../db/prepared.ts";
import { actors, itemGroups, items, pollOptions, polls, pollVotes } from "../../db/schema/index.ts";
import type { ActorRow } from "../actors.ts";
import { findCommunityByActorId } from "../communities.ts";
import { ForbiddenError } from "../errors.ts";
import { composeItem, type ItemRow } from "../items.ts";
import { isFacilitator } from "../membership.ts";
import { type PollForm, parsePollForm } from "./form.ts";

/** A row of the polls table: whether several options may be chosen, and when voting stops. */
export type PollRow = typeof polls.$inferSelect;
/** One option of a poll. */
export type PollOptionRow = typeof pollOptions.$inferSelect;

/** One option with how many voted for it. */
export interface OptionTally {
  id: number;
  name: string;
  count: number;
}

/** A poll's standing: its settings and the totals (counted here, or as its home reports them). */
export interface PollResults {
  multiple: boolean;
  endsAt: Date;
  closed: boolean;
  /** How many people voted; with several choices each, counts can add up to more. */
  voters: number;
  options: OptionTally[];
}

/** Whether voting has stopped. */
export function isClosed(poll: Pick<PollRow, "endsAt">, now = new Date()): boolean {
  return poll.endsAt.getTime() <= now.getTime();
}

/**
 * A facilitator asks a question in their communities: the poll is an item of kind `poll`
 * (title = the question) with its settings and options beside it. Only facilitators of every
 * community named may do so (DESIGN.md: facilitators run polls).
 */
export function composePoll(
  db: Db,
  origin: string,
  input: { author: ActorRow; groups: ActorRow[]; form: PollForm; timeZone: string; now?: Date },
): ItemRow {
  const draft = parsePollForm(input.form, input.timeZone, input.now);
  for (const group of input.groups) {
    if (!findCommunityByActorId(db, group.id) || !isFacilitator(db, group.id, input.author.id)) {
      throw new ForbiddenError(`Only facilitators of ${group.name} can create polls there`);
    }
  }
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const item = composeItem(txDb, origin, {
      kind: "poll",
      author: input.author,
      groups: input.groups,
      title: draft.question,
      body: draft.body,
    });
    txDb
      .insert(polls)
      .values({ itemId: item.id, multiple: draft.multiple, endsAt: draft.endsAt })
      .run();
    draft.options.forEach((name, position) => {
      txDb.insert(pollOptions).values({ itemId: item.id, position, name }).run();
    });
    return item;
  });
}

/** A poll item's settings, if it has any. */
export function getPoll(db: Db, itemId: number): PollRow | undefined {
  return db.select().from(polls).where(eq(polls.itemId, itemId)).get();
}

/** When each of some polls closes (or closed), by item id; items that are not polls are left out. */
export function pollEndTimes(db: Db, itemIds: number[]): Map<number, Date> {
  if (itemIds.length === 0) return new Map();
  return new Map(
    pollEndsQuery(db)
      .all({ ids: JSON.stringify(itemIds) })
      .map((r) => [r.itemId, r.endsAt]),
  );
}

// Every community page asks it of its newest items: prepared once, for lists of any length.
const pollEndsQuery = preparedQuery((db) =>
  db
    .select({ itemId: polls.itemId, endsAt: polls.endsAt })
    .from(polls)
    .where(inIdList(polls.itemId))
    .prepare(),
);

/** A poll's options in the order they were given. */
export function optionsOf(db: Db, itemId: number): PollOptionRow[] {
  return db
    .select()
    .from(pollOptions)
    .where(eq(pollOptions.itemId, itemId))
    .orderBy(asc(pollOptions.position), asc(pollOptions.id))
    .all();
}

/**
 * A poll's totals. A poll hosted here counts its own votes, once per person; a copy of a poll
 * hosted elsewhere shows the totals its home last reported, which every server then agrees on.
 */
export function pollResults(db: Db, item: ItemRow, now = new Date()): PollResults | undefined {
  const poll = getPoll(db, item.id);
  if (!poll) return undefined;
  const options = optionsOf(db, item.id);
  const base = { multiple: poll.multiple, endsAt: poll.endsAt, closed: isClosed(poll, now) };
  if (!item.isLocal) {
    return {
      ...base,
      voters: poll.votersCount,
      options: options.map((o) => ({ id: o.id, name: o.name, count: o.remoteCount })),
    };
  }
  const counts = new Map(
    db
      .select({ optionId: pollVotes.optionId, n: count() })
      .from(pollVotes)
      .where(eq(pollVotes.itemId, item.id))
      .groupBy(pollVotes.optionId)
      .all()
      .map((r) => [r.optionId, r.n]),
  );
  const voters =
    db
      .select({ n: countDistinct(pollVotes.voterId) })
      .from(pollVotes)
      .where(eq(pollVotes.itemId, item.id))
      .get()?.n ?? 0;
  return {
    ...base,
    voters,
    options: options.map((o) => ({ id: o.id, name: o.name, count: counts.get(o.id) ?? 0 })),
  };
}

/** A share of the voters as a whole percentage, for results shown as text and bars. */
export function percentOf(countOf: number, voters: number): number {
  return voters === 0 ? 0 : Math.round((countOf / voters) * 100);
}

/** One line of a community's poll list. */
export interface PollSummary {
  item: ItemRow;
  poll: PollRow;
  author: ActorRow;
  voters: number;
}

/** Polls a page of a community's list shows. */
export const POLLS_PER_PAGE = 50;

/** Which of a community's polls its list shows: published, not removed, open or closed. */
function listed(groupId: number, open: boolean, now: Date): SQL | undefined {
  return and(
    eq(itemGroups.groupId, groupId),
    eq(items.kind, "poll"),
    isNull(items.deletedAt),
    isNull(items.removedAt),
    eq(items.status, "published"),
    open ? gt(polls.endsAt, now) : lte(polls.endsAt, now),
  );
}

/** How many open or closed polls a community lists. */
export function countPolls(db: Db, groupId: number, open: boolean, now = new Date()): number {
  return (
    db
      .select({ n: count() })
      .from(items)
      .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
      .innerJoin(polls, eq(polls.itemId, items.id))
      .where(listed(groupId, open, now))
      .get()?.n ?? 0
  );
}

/**
 * A community's polls: open ones (closing soonest first), then closed ones (latest first), as
 * one list read a slice at a time (`offset` and `limit` count across both).
 */
export function listPolls(
  db: Db,
  groupId: number,
  options: { now?: Date; limit?: number; offset?: number } = {},
): { open: PollSummary[]; closed: PollSummary[] } {
  const now = options.now ?? new Date();
  const limit = options.limit ?? POLLS_PER_PAGE;
  const offset = options.offset ?? 0;
  const voters = sql<number>`case when ${items.isLocal} = 1
    then (select count(distinct v.voter_id) from poll_votes v where v.item_id = ${items.id})
    else ${polls.votersCount} end`;
  const query = (open: boolean, from: number, take: number) =>
    take <= 0
      ? []
      : db
          .select({ item: items, poll: polls, author: actors, voters })
          .from(items)
          .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
          .innerJoin(polls, eq(polls.itemId, items.id))
          .innerJoin(actors, eq(actors.id, items.authorId))
          .where(listed(groupId, open, now))
          .orderBy(open ? asc(polls.endsAt) : desc(polls.endsAt), asc(items.id))
          .limit(take)
          .offset(from)
          .all();
  const openCount = countPolls(db, groupId, true, now);
  const open = offset < openCount ? query(true, offset, limit) : [];
  const closed = query(false, Math.max(0, offset - openCount), limit - open.length);
  return { open, closed };
}

/** What a poll hosted elsewhere reports about itself. */
export interface RemotePollDetails {
  multiple: boolean;
  endsAt: Date;
  votersCount: number;
  options: { name: string; count: number }[];
}

/**
 * Stores or refreshes a copy of a poll hosted elsewhere: its settings and its home's totals.
 * Options are matched by name, so votes our people cast in it keep pointing at their option;
 * options its home no longer lists (it changed the poll before anyone voted) go away.
 */
export function saveRemotePoll(db: Db, itemId: number, details: RemotePollDetails): void {
  db.transaction((tx) => {
    const settings = {
      multiple: details.multiple,
      endsAt: details.endsAt,
      votersCount: details.votersCount,
    };
    tx.insert(polls)
      .values({ itemId, ...settings })
      .onConflictDoUpdate({ target: polls.itemId, set: settings })
      .run();
    const names = details.options.map((o) => o.name);
    tx.delete(pollOptions)
      .where(and(eq(pollOptions.itemId, itemId), notInArray(pollOptions.name, names)))
      .run();
    details.options.forEach((option, position) => {
      tx.insert(pollOptions)
        .values({ itemId, position, name: option.name, remoteCount: option.count })
        .onConflictDoUpdate({
          target: [pollOptions.itemId, pollOptions.name],
          set: { position, remoteCount: option.count },
        })
        .run();
    });
  });
}

/** Local polls that have closed but whose final totals have not been sent yet. */
export function pollsClosedUnannounced(db: Db, now = new Date()): ItemRow[] {
  return db
    .select({ item: items })
    .from(polls)
    .innerJoin(items, eq(items.id, polls.itemId))
    .where(
      and(
        eq(items.isLocal, true),
        isNull(items.deletedAt),
        eq(items.status, "published"),
        lte(polls.endsAt, now),
        isNull(polls.closedAnnouncedAt),
      ),
    )
    .all()
    .map((r) => r.item);
}

/** Records that a closed poll's final totals went out. */
export function markClosedAnnounced(db: Db, itemId: number, at = new Date()): void {
  db.update(polls).set({ closedAnnouncedAt: at }).where(eq(polls.itemId, itemId)).run();
}
