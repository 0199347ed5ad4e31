import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { inIdList, preparedQuery } from "../db/prepared.ts";
import { votes } from "../db/schema/index.ts";
import { canView, groupsOfItem, type ItemRow } from "./items.ts";
import { isActiveMember } from "./membership.ts";
import { isBannedFromItem } from "./moderation/members.ts";

// Votes on posts, replies and comments, as the threadiverse counts them: one per person and
// item, up (+1) or down (-1), replaced by a later vote and removed by an Undo. Documents are
// rated with stars instead (src/domain/ratings.ts), so they take no votes.

/** Up or down. */
export type VoteValue = 1 | -1;

// Prepared once per database: every thread and list page tallies its posts' votes.
const talliesOf = preparedQuery((db) =>
  db
    .select({
      itemId: votes.itemId,
      up: sql<number>`sum(case when ${votes.value} > 0 then 1 else 0 end)`,
      down: sql<number>`sum(case when ${votes.value} < 0 then 1 else 0 end)`,
    })
    .from(votes)
    .where(inIdList(votes.itemId))
    .groupBy(votes.itemId)
    .prepare(),
);
const viewerVotesOn = preparedQuery((db) =>
  db
    .select({ itemId: votes.itemId, value: votes.value })
    .from(votes)
    .where(and(inIdList(votes.itemId), eq(votes.actorId, sql.placeholder("viewer"))))
    .prepare(),
);

/** What a page shows about the votes on one item. */
export interface VoteTally {
  up: number;
  down: number;
  /** Up-votes less down-votes. */
  score: number;
  /** The viewer's own vote, if any. */
  mine: VoteValue | null;
}

/** A vote as stored. */
export type VoteRow = typeof votes.$inferSelect;

const EMPTY: VoteTally = { up: 0, down: 0, score: 0, mine: null };

/** Whether an item takes votes: live content other than documents. */
export function isVotable(item: ItemRow): boolean {
  return item.kind !== "document" && !item.deletedAt && item.status === "published";
}

/**
 * Whether a person may vote on an item: anyone who can see a public item and is not banned
 * from its communities; for members-only items, active members only.
 */
export function mayVote(db: Db, item: ItemRow, actorId: number): boolean {
  if (!isVotable(item) || !canView(db, item, actorId)) return false;
  if (isBannedFromItem(db, item, actorId)) return false;
  if (item.visibility === "public") return true;
  return groupsOfItem(db, item.id).some((g) => isActiveMember(db, g.id, actorId));
}

/**
 * Records a person's vote, replacing any earlier one. Returns the vote it replaced (null when
 * there was none), or undefined when nothing changed (the same vote again).
 */
export function castVote(
  db: Db,
  item: ItemRow,
  actorId: number,
  value: VoteValue,
  activityIri: string,
): VoteRow | null | undefined {
  return db.transaction((tx) => {
    const before =
      tx
        .select()
        .from(votes)
        .where(and(eq(votes.itemId, item.id), eq(votes.actorId, actorId)))
        .get() ?? null;
    if (before?.value === value) return undefined;
    tx.insert(votes)
      .values({ itemId: item.id, actorId, value, activityIri, createdAt: new Date() })
      .onConflictDoUpdate({
        target: [votes.itemId, votes.actorId],
        set: { value, activityIri, createdAt: new Date() },
      })
      .run();
    return before;
  });
}

/** A person's vote on an item, if any. */
export function findVote(db: Db, itemId: number, actorId: number): VoteRow | undefined {
  return db
    .select()
    .from(votes)
    .where(and(eq(votes.itemId, itemId), eq(votes.actorId, actorId)))
    .get();
}

/** The vote a person made with this activity, if it is still theirs. */
export function findVoteByActivity(
  db: Db,
  activityIri: string,
  actorId: number,
): VoteRow | undefined {
  return db
    .select()
    .from(votes)
    .where(and(eq(votes.activityIri, activityIri), eq(votes.actorId, actorId)))
    .get();
}

/**
 * Removes a person's vote on an item. With `activityIri`, only the vote that activity made
 * goes (an Undo of an older vote leaves the newer one). Returns the vote removed, if any.
 */
export function withdrawVote(
  db: Db,
  itemId: number,
  actorId: number,
  activityIri?: string,
): VoteRow | undefined {
  const vote = findVote(db, itemId, actorId);
  if (!vote || (activityIri !== undefined && vote.activityIri !== activityIri)) return undefined;
  db.delete(votes)
    .where(and(eq(votes.itemId, itemId), eq(votes.actorId, actorId)))
    .run();
  return vote;
}

/** The votes on these items, by item id, with the viewer's own. Items without votes count 0. */
export function voteTallies(
  db: Db,
  itemIds: number[],
  viewerId?: number | null,
): Map<number, VoteTally> {
  const result = new Map<number, VoteTally>(itemIds.map((id) => [id, { ...EMPTY }]));
  if (itemIds.length === 0) return result;
  const ids = JSON.stringify(itemIds);
  for (const row of talliesOf(db).all({ ids })) {
    result.set(row.itemId, { up: row.up, down: row.down, score: row.up - row.down, mine: null });
  }
  if (viewerId) {
    const mine = viewerVotesOn(db).all({ ids, viewer: viewerId });
    for (const vote of mine) result.get(vote.itemId)!.mine = vote.value as VoteValue;
  }
  return result;
}
