import { and, asc, count, eq, isNull, like, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { actors, itemGroups, items, memberships } from "../../db/schema/index.ts";
import { getActor } from "../actors.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { groupsOfItem, type ItemRow } from "../items.ts";
import { findMembership, type MemberEntry, type Membership } from "../membership.ts";
import { recordModeration } from "./log.ts";
import {
  type ActingActor,
  assertFacilitatesRemoteGroup,
  assertMayModerateGroup,
  checkedReason,
  outranks,
  refuse,
} from "./ranks.ts";
import { resolveReportsAbout } from "./reports.ts";

/** Which members a facilitator is looking at. */
export type MemberFilter = "active" | "banned";

/** One page of a community's members, searched by name or handle. */
export function listMembersPage(
  db: Db,
  groupId: number,
  options: { filter: MemberFilter; query?: string; page: number; pageSize: number },
): { members: MemberEntry[]; total: number } {
  const conditions = [eq(memberships.groupId, groupId), eq(memberships.state, options.filter)];
  const query = (options.query ?? "").trim().replace(/^@/, "").toLowerCase();
  if (query) {
    // LIKE's own wildcards in what was typed are taken literally.
    const pattern = `%${query.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    conditions.push(
      or(
        sql`lower(${actors.name}) like ${pattern} escape '\\'`,
        like(actors.handle, sql`${pattern} escape '\\'`),
        sql`lower(${actors.handle} || '@' || ${actors.host}) like ${pattern} escape '\\'`,
      )!,
    );
  }
  const where = and(...conditions);
  const total =
    db
      .select({ n: count() })
      .from(memberships)
      .innerJoin(actors, eq(memberships.memberId, actors.id))
      .where(where)
      .get()?.n ?? 0;
  const members = db
    .select({ membership: memberships, member: actors })
    .from(memberships)
    .innerJoin(actors, eq(memberships.memberId, actors.id))
    .where(where)
    .orderBy(
      sql`${memberships.role} = 'facilitator' desc`,
      asc(sql`lower(${actors.name})`),
      asc(memberships.id),
    )
    .limit(options.pageSize)
    .offset((Math.max(1, options.page) - 1) * options.pageSize)
    .all();
  return { members, total };
}

/** Whether a person is banned from a community now (a ban with a period ends by itself). */
export function isBanned(db: Db, groupId: number, memberId: number, now = new Date()): boolean {
  return banIsCurrent(findMembership(db, groupId, memberId), now);
}

/**
 * Whether a person is banned from any of an item's communities. Public items take answers
 * (RSVPs, likes) from non-members, so a ban must be asked about as well as membership.
 */
export function isBannedFromItem(db: Db, item: ItemRow, actorId: number): boolean {
  return groupsOfItem(db, item.id).some((g) => isBanned(db, g.id, actorId));
}

/** Whether a membership row holds a ban that has not run out. */
export function banIsCurrent(m: Membership | undefined, now = new Date()): boolean {
  return m?.state === "banned" && (m.bannedUntil === null || m.bannedUntil > now);
}

/** What a facilitator's action on a member needs. */
export interface MemberAction {
  groupId: number;
  targetId: number;
  byActorId: ActingActor;
  reason: string;
}

/** Checks the actor may act against the target (not themselves, and outranking a facilitator). */
function targetFor(db: Db, input: MemberAction, action: string): Membership | undefined {
  assertMayModerateGroup(db, input.groupId, input.byActorId, action);
  if (input.byActorId === input.targetId) {
    throw new ConflictError("You cannot do this to yourself. Leave the community instead.");
  }
  const target = findMembership(db, input.groupId, input.targetId);
  if (target && !outranks(db, input.groupId, input.byActorId, target)) {
    refuse(action, input.groupId, input.byActorId, "a facilitator who has served longer than you");
  }
  return target;
}

/**
 * Checks what a facilitator of a community hosted on another server asks for here, before it
 * is sent there (that server decides, with ranks): they facilitate it on our copy and do not
 * act on themselves. Returns the reason.
 */
export function checkRemoteMemberAction(db: Db, input: MemberAction, action: string): string {
  const reason = checkedReason(input.reason);
  assertFacilitatesRemoteGroup(db, input.groupId, input.byActorId, action);
  if (input.byActorId === input.targetId && action !== "dismiss") {
    throw new ConflictError("You cannot do this to yourself. Leave the community instead.");
  }
  if (!getActor(db, input.targetId)) throw new NotFoundError("There is no such person");
  return reason;
}

/**
 * A facilitator removes a member (or turns down a request); they may ask to join again.
 * Returns the membership as it was, so the caller can tell the member's server.
 */
export function removeMember(db: Db, input: MemberAction): Membership {
  const reason = checkedReason(input.reason);
  const target = targetFor(db, input, "remove-member");
  if (!target || (target.state !== "active" && target.state !== "pending")) {
    throw new NotFoundError("That person is not a member of this community");
  }
  db.transaction((tx) => {
    tx.delete(memberships).where(eq(memberships.id, target.id)).run();
    recordModeration(tx as unknown as Db, {
      groupId: input.groupId,
      actorId: input.byActorId,
      action: "remove-member",
      targetActorId: input.targetId,
      reason,
    });
  });
  return target;
}

/**
 * A facilitator bans a person (member or not) until `until`, or for good when it is null.
 * A banned person cannot post, vote, answer events, tag or ask to join from any instance.
 * With `removeContent`, everything they wrote in the community is removed too (and returned,
 * so that the caller can tell remote members' servers).
 */
export function banMember(
  db: Db,
  input: MemberAction & { until: Date | null; removeContent: boolean },
): { membership: Membership; previous: Membership | undefined; removed: ItemRow[] } {
  const reason = checkedReason(input.reason);
  const previous = targetFor(db, input, "ban");
  if (!getActor(db, input.targetId)) throw new NotFoundError("There is no such person");
  if (input.until && input.until <= new Date()) {
    throw new ConflictError("A ban must end in the future");
  }
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const values = {
      state: "banned" as const,
      role: "member" as const,
      bannedUntil: input.until,
      decidedAt: new Date(),
    };
    const membership = previous
      ? txDb
          .update(memberships)
          .set(values)
          .where(eq(memberships.id, previous.id))
          .returning()
          .get()
      : txDb
          .insert(memberships)
          .values({ groupId: input.groupId, memberId: input.targetId, ...values })
          .returning()
          .get();
    recordModeration(txDb, {
      groupId: input.groupId,
      actorId: input.byActorId,
      action: "ban",
      targetActorId: input.targetId,
      reason,
      expiresAt: input.until,
    });
    const removed = input.removeContent ? removeAllBy(txDb, input, reason) : [];
    // A ban settles the open reports of the person, and of any post removed with it.
    resolveReportsAbout(txDb, {
      groupId: input.groupId,
      targetActorId: input.targetId,
      byActorId: input.byActorId,
      outcome: "banned",
      note: reason,
    });
    return { membership, previous, removed };
  });
}

/** The items a person wrote in a community that are neither deleted nor removed. */
export function liveItemsOf(db: Db, groupId: number, authorId: number): ItemRow[] {
  return db
    .select({ item: items })
    .from(items)
    .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
    .where(
      and(
        eq(itemGroups.groupId, groupId),
        eq(items.authorId, authorId),
        isNull(items.deletedAt),
        isNull(items.removedAt),
      ),
    )
    .all()
    .map((row) => row.item);
}

/** Removes every live item a person wrote in a community, logging each. */
function removeAllBy(db: Db, input: MemberAction, reason: string): ItemRow[] {
  const ids = liveItemsOf(db, input.groupId, input.targetId);
  return ids.map(({ id }) => {
    recordModeration(db, {
      groupId: input.groupId,
      actorId: input.byActorId,
      action: "remove-item",
      targetItemId: id,
      reason,
    });
    return db
      .update(items)
      .set({ removedAt: new Date(), removedReason: reason })
      .where(eq(items.id, id))
      .returning()
      .get();
  });
}

/** A facilitator lifts a ban; the person may then ask to join again. */
export function unbanMember(db: Db, input: MemberAction): Membership {
  const reason = checkedReason(input.reason);
  assertMayModerateGroup(db, input.groupId, input.byActorId, "unban");
  const target = findMembership(db, input.groupId, input.targetId);
  if (target?.state !== "banned") throw new NotFoundError("That person is not banned here");
  db.transaction((tx) => {
    tx.delete(memberships).where(eq(memberships.id, target.id)).run();
    recordModeration(tx as unknown as Db, {
      groupId: input.groupId,
      actorId: input.byActorId,
      action: "unban",
      targetActorId: input.targetId,
      reason,
    });
  });
  return target;
}
