import { and, count, desc, eq, inArray, ne, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  actors,
  communities,
  communityNotices,
  instanceSettings,
  itemGroups,
  items,
  memberships,
} from "../../db/schema/index.ts";
import type { Community, CommunityState } from "../communities.ts";
import { findCommunityByActorId } from "../communities.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { getItem, tombstoneItem, unlinkItemFromGroup } from "../items.ts";
import { likePattern } from "./accounts.ts";

// What an administrator decides about the instance's communities: whether new ones wait for
// approval, approving or rejecting those waiting, closing one (read-only) or deleting it. Each
// decision is told to the people concerned as a community notice (notifications page and email
// alerts) before anything else happens, so that members of a deleted community hear of it.

/** The instance setting that makes new communities wait for an administrator. */
const APPROVAL_KEY = "communities.approval";
const MAX_REASON = 1000;

/** A notice to one person about a community's fate. */
export type CommunityNotice = typeof communityNotices.$inferSelect;

/** Whether new communities wait for an administrator's approval (off unless switched on). */
export function communitiesNeedApproval(db: Db): boolean {
  const row = db
    .select()
    .from(instanceSettings)
    .where(eq(instanceSettings.key, APPROVAL_KEY))
    .get();
  return row?.value === "on";
}

/** Switches the approval of new communities on or off. */
export function setCommunitiesNeedApproval(db: Db, on: boolean): void {
  const value = on ? "on" : "off";
  db.insert(instanceSettings)
    .values({ key: APPROVAL_KEY, value })
    .onConflictDoUpdate({ target: instanceSettings.key, set: { value } })
    .run();
}

/** One community as the administrators' list shows it. */
export interface CommunityListing {
  groupId: number;
  handle: string;
  name: string;
  visibility: Community["visibility"];
  state: CommunityState;
  stateReason: string;
  createdAt: Date;
  createdById: number | null;
  memberCount: number;
}

/**
 * A page of the instance's communities (deleted ones left out), newest first, whose handle or
 * name contains `query`; with `state`, only those in it (the pending queue).
 */
export function listCommunitiesForAdmin(
  db: Db,
  options: {
    query?: string;
    state?: CommunityState;
    groupId?: number;
    page: number;
    pageSize: number;
  },
): { communities: CommunityListing[]; total: number } {
  const conditions: SQL[] = [ne(communities.state, "deleted")];
  if (options.groupId !== undefined) conditions.push(eq(communities.actorId, options.groupId));
  if (options.state) conditions.push(eq(communities.state, options.state));
  const query = (options.query ?? "").trim().toLowerCase().replace(/^@/, "");
  if (query) {
    const pattern = likePattern(query);
    conditions.push(
      or(
        sql`${actors.handle} LIKE ${pattern} ESCAPE '\\'`,
        sql`${actors.name} LIKE ${pattern} ESCAPE '\\'`,
      )!,
    );
  }
  const where = and(...conditions);
  const members = sql<number>`(SELECT count(*) FROM memberships m
    WHERE m.group_id = ${communities.actorId} AND m.state = 'active')`;
  const rows = db
    .select({
      groupId: communities.actorId,
      handle: actors.handle,
      name: actors.name,
      visibility: communities.visibility,
      state: communities.state,
      stateReason: communities.stateReason,
      createdAt: communities.createdAt,
      createdById: communities.createdById,
      memberCount: members,
    })
    .from(communities)
    .innerJoin(actors, eq(actors.id, communities.actorId))
    .where(where)
    .orderBy(desc(communities.id))
    .limit(options.pageSize)
    .offset((Math.max(1, options.page) - 1) * options.pageSize)
    .all();
  const total =
    db
      .select({ n: count() })
      .from(communities)
      .innerJoin(actors, eq(actors.id, communities.actorId))
      .where(where)
      .get()?.n ?? 0;
  return { communities: rows, total };
}

/** One community as the administrators' pages show it; undefined when missing or deleted. */
export function findCommunityListing(db: Db, groupId: number): CommunityListing | undefined {
  return listCommunitiesForAdmin(db, { groupId, page: 1, pageSize: 1 }).communities[0];
}

/** Checks an administrator's reason: required and not too long; returns it trimmed. */
function checkedReason(raw: string): string {
  const reason = raw.replace(/\r\n/g, "\n").trim();
  if (reason.length === 0 || reason.length > MAX_REASON) {
    throw new ValidationError([
      { field: "reason", message: "Enter a reason of up to 1,000 characters, for the members" },
    ]);
  }
  return reason;
}

/** The community, which must be in one of the states given. */
function communityIn(db: Db, groupId: number, states: CommunityState[]): Community {
  const community = findCommunityByActorId(db, groupId);
  if (!community || community.state === "deleted") {
    throw new NotFoundError("There is no such community here");
  }
  if (!states.includes(community.state)) {
    throw new ConflictError(`That community is ${community.state}`);
  }
  return community;
}

/** The local people who are active members of a group (the ones a notice is for). */
function localMembers(db: Db, groupId: number): number[] {
  return db
    .select({ id: memberships.memberId })
    .from(memberships)
    .innerJoin(actors, eq(actors.id, memberships.memberId))
    .where(
      and(
        eq(memberships.groupId, groupId),
        eq(memberships.state, "active"),
        eq(actors.isLocal, true),
      ),
    )
    .all()
    .map((r) => r.id);
}

/** Writes one notice per person. */
function notify(
  db: Db,
  personIds: number[],
  groupId: number,
  kind: CommunityNotice["kind"],
  reason: string,
): void {
  if (personIds.length === 0) return;
  db.insert(communityNotices)
    .values(personIds.map((personId) => ({ personId, groupId, kind, reason })))
    .run();
}

function setState(db: Db, groupId: number, state: CommunityState, reason: string): void {
  db.update(communities)
    .set({ state, stateReason: reason })
    .where(eq(communities.actorId, groupId))
    .run();
}

/** Who created a community, when they are still a local person (the one told of approval). */
function creatorOf(db: Db, groupId: number): number[] {
  const row = db
    .select({ id: communities.createdById })
    .from(communities)
    .where(eq(communities.actorId, groupId))
    .get();
  return row?.id ? [row.id] : [];
}

/** An administrator approves a community waiting for it; its creator is told. */
export function approveCommunity(db: Db, groupId: number): void {
  communityIn(db, groupId, ["pending", "rejected"]);
  db.transaction(() => {
    setState(db, groupId, "open", "");
    notify(db, creatorOf(db, groupId), groupId, "approved", "");
  });
}

/** An administrator refuses a community waiting for approval, saying why; its creator is told. */
export function rejectCommunity(db: Db, groupId: number, rawReason: string): void {
  const reason = checkedReason(rawReason);
  communityIn(db, groupId, ["pending"]);
  db.transaction(() => {
    setState(db, groupId, "rejected", reason);
    notify(db, creatorOf(db, groupId), groupId, "rejected", reason);
  });
}

/** An administrator closes a community: it stays readable, takes no posts or members. */
export function closeCommunity(db: Db, groupId: number, rawReason: string): void {
  const reason = checkedReason(rawReason);
  communityIn(db, groupId, ["open"]);
  db.transaction(() => {
    notify(db, localMembers(db, groupId), groupId, "closed", reason);
    setState(db, groupId, "closed", reason);
  });
}

/** An administrator opens a closed community again. */
export function reopenCommunity(db: Db, groupId: number): void {
  communityIn(db, groupId, ["closed"]);
  setState(db, groupId, "open", "");
}

/**
 * An administrator deletes a community. Its local members are told first; then it is marked
 * deleted, so that its pages are gone and its Group answers 410. The caller sends Delete{Group}
 * to the members' servers and then calls forgetMemberships. Returns the community as it was.
 */
export function deleteCommunity(db: Db, groupId: number, rawReason: string): Community {
  const reason = checkedReason(rawReason);
  const community = communityIn(db, groupId, ["open", "closed", "pending", "rejected"]);
  db.transaction(() => {
    notify(db, localMembers(db, groupId), groupId, "deleted", reason);
    setState(db, groupId, "deleted", reason);
    detachCommunityContent(db, groupId, false);
  });
  return community;
}

/**
 * Tells the local members of a remote community that its own server deleted it, and forgets
 * every membership in it. Returns how many local members it had.
 */
export function forgetDeletedRemoteCommunity(db: Db, groupId: number): number {
  const members = localMembers(db, groupId);
  db.transaction(() => {
    notify(db, members, groupId, "deleted", "");
    forgetMemberships(db, groupId);
    detachCommunityContent(db, groupId, true);
  });
  return members.length;
}

/**
 * Takes a deleted community's content out of it, so that it leaves search, lists, feeds and
 * alerts. An item in no other community becomes a tombstone, except blog entries and their
 * comments (they stay on their author's blog) and, with `keepLocal`, posts of ours: a remote
 * community's deletion never deletes what this server owns (DESIGN.md section 11).
 */
export function detachCommunityContent(db: Db, groupId: number, keepLocal: boolean): number {
  const held = db
    .select({ item: items })
    .from(itemGroups)
    .innerJoin(items, eq(items.id, itemGroups.itemId))
    .where(eq(itemGroups.groupId, groupId))
    .all()
    .map((r) => r.item);
  let tombstoned = 0;
  for (const item of held) {
    const remaining = unlinkItemFromGroup(db, item, groupId);
    if (remaining > 0 || item.deletedAt || (keepLocal && item.isLocal)) continue;
    const root = item.rootId && item.rootId !== item.id ? getItem(db, item.rootId) : item;
    if (root?.kind === "entry") continue;
    tombstoneItem(db, item);
    tombstoned++;
  }
  return tombstoned;
}

/** Forgets every membership in a deleted community (after Delete{Group} has gone out). */
export function forgetMemberships(db: Db, groupId: number): void {
  db.delete(memberships).where(eq(memberships.groupId, groupId)).run();
}

/** A person's newest community notices. */
export function communityNoticesFor(db: Db, personId: number, limit = 30): CommunityNotice[] {
  return db
    .select()
    .from(communityNotices)
    .where(eq(communityNotices.personId, personId))
    .orderBy(desc(communityNotices.id))
    .limit(limit)
    .all();
}

/** Community notices written since an id, in order (for the alert sweep). */
export function communityNoticesSince(db: Db, afterId: number, limit: number): CommunityNotice[] {
  return db
    .select()
    .from(communityNotices)
    .where(sql`${communityNotices.id} > ${afterId}`)
    .orderBy(communityNotices.id)
    .limit(limit)
    .all();
}

/** How many communities wait for approval (for the administrators' menu). */
export function pendingCommunityCount(db: Db): number {
  return (
    db
      .select({ n: count() })
      .from(communities)
      .where(inArray(communities.state, ["pending"]))
      .get()?.n ?? 0
  );
}
