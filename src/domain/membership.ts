import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { cachedUntilChange, frozen } from "../db/generation.ts";
import { preparedQuery } from "../db/prepared.ts";
import { memoRead } from "../db/read-memo.ts";
import { accounts, actors, memberships } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";
import { isActorLimited } from "./admin/servers.ts";
import { findCommunityByActorId } from "./communities.ts";
import { joinsThroughParent } from "./community-tree.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "./errors.ts";

/** A row of the memberships table. */
export type Membership = typeof memberships.$inferSelect;
/** Where a membership stands. */
export type MembershipState = Membership["state"];

/** A membership together with the member's actor. */
export interface MemberEntry {
  membership: Membership;
  member: ActorRow;
}

/** How a membership request was received. */
export interface MembershipRequest {
  groupId: number;
  memberId: number;
  /** Id of the Follow/Join activity, when the request came (or goes) over federation. */
  requestIri?: string | null;
  requestType?: "Follow" | "Join";
}

/** Returns the membership of an actor in a group, if any. */
export function findMembership(db: Db, groupId: number, memberId: number): Membership | undefined {
  // Remembered while a page renders (src/db/read-memo.ts): each post asks about the same groups.
  return memoRead(db, `membership:${groupId}:${memberId}`, () =>
    membershipOf(db).get({ groupId, memberId }),
  );
}

const membershipOf = preparedQuery((db) =>
  db
    .select()
    .from(memberships)
    .where(
      and(
        eq(memberships.groupId, sql.placeholder("groupId")),
        eq(memberships.memberId, sql.placeholder("memberId")),
      ),
    )
    .prepare(),
);

/** Finds the membership that a Follow/Join activity id asked for. */
export function findMembershipByRequest(db: Db, requestIri: string): Membership | undefined {
  return db.select().from(memberships).where(eq(memberships.requestIri, requestIri)).get();
}

/**
 * Now, or just after the row's last request if that was in this same millisecond: the alert
 * sweep follows request times, so a new request on a reused row must be later than the last.
 */
function nextRequestTime(existing: Membership | undefined): Date {
  return new Date(Math.max(Date.now(), (existing?.requestedAt?.getTime() ?? 0) + 1));
}

/**
 * Asks to join a community hosted here. Public communities accept at once; private ones leave
 * the request pending for a facilitator. Asking again while active changes nothing; asking
 * again after a rejection opens a new request.
 */
export function requestMembership(db: Db, request: MembershipRequest): Membership {
  const community = findCommunityByActorId(db, request.groupId);
  if (!community) throw new NotFoundError("That community is not hosted on this instance");
  if (community.state !== "open") {
    throw new ForbiddenError("This community is not taking new members");
  }
  // A sub-community that inherits its parent's rules lets the parent's members straight in.
  // People from a server an administrator limited always wait for a facilitator.
  const atOnce =
    (community.visibility === "public" || joinsThroughParent(db, community, request.memberId)) &&
    !isActorLimited(db, request.memberId);
  const state = atOnce ? "active" : "pending";
  const existing = findMembership(db, request.groupId, request.memberId);
  // A ban sticks: asking again, from here or any instance, is refused until it runs out.
  if (
    existing?.state === "banned" &&
    (!existing.bannedUntil || existing.bannedUntil > new Date())
  ) {
    throw new ForbiddenError("You have been banned from this community");
  }
  if (existing?.state === "active") {
    // A repeated Follow (peers resend them) gets a fresh id to answer, but stays active.
    return db
      .update(memberships)
      .set({
        requestIri: request.requestIri ?? existing.requestIri,
        requestType: request.requestType ?? existing.requestType,
      })
      .where(eq(memberships.id, existing.id))
      .returning()
      .get();
  }
  const values = {
    state,
    requestIri: request.requestIri ?? null,
    requestType: request.requestType ?? "Follow",
    decidedAt: state === "active" ? new Date() : null,
    bannedUntil: null,
    // A resent request while one is pending is the same request, not news for facilitators.
    requestedAt:
      (existing?.state === "pending" && existing.requestedAt) || nextRequestTime(existing),
  } as const;
  if (existing) {
    return db
      .update(memberships)
      .set(values)
      .where(eq(memberships.id, existing.id))
      .returning()
      .get();
  }
  return db
    .insert(memberships)
    .values({ groupId: request.groupId, memberId: request.memberId, ...values })
    .returning()
    .get();
}

/** Records that a local person asked a remote community to join; pending until it answers. */
export function recordRemoteRequest(
  db: Db,
  request: MembershipRequest & { requestIri: string },
): Membership {
  const existing = findMembership(db, request.groupId, request.memberId);
  const values = {
    state: "pending" as const,
    requestIri: request.requestIri,
    requestType: request.requestType ?? "Follow",
    decidedAt: null,
    requestedAt: new Date(),
  };
  if (existing) {
    return db
      .update(memberships)
      .set(values)
      .where(eq(memberships.id, existing.id))
      .returning()
      .get();
  }
  return db
    .insert(memberships)
    .values({ groupId: request.groupId, memberId: request.memberId, ...values })
    .returning()
    .get();
}

/**
 * Mirrors a remote community's ban (Block) or its lifting (Undo{Block}) of one of our people,
 * so that our pages stop offering them its forms.
 */
export function applyRemoteBan(db: Db, groupId: number, memberId: number, banned: boolean): void {
  const existing = findMembership(db, groupId, memberId);
  if (!banned) {
    if (existing?.state === "banned")
      db.delete(memberships).where(eq(memberships.id, existing.id)).run();
    return;
  }
  const values = { state: "banned" as const, role: "member" as const, decidedAt: new Date() };
  if (existing) db.update(memberships).set(values).where(eq(memberships.id, existing.id)).run();
  else
    db.insert(memberships)
      .values({ groupId, memberId, ...values })
      .run();
}

/** Mirrors a remote community's appointment or dismissal of a facilitator (Add/Remove). */
export function applyRemoteRole(
  db: Db,
  groupId: number,
  memberId: number,
  facilitator: boolean,
): boolean {
  const existing = findMembership(db, groupId, memberId);
  if (existing?.state !== "active") return false;
  db.update(memberships)
    .set({
      role: facilitator ? "facilitator" : "member",
      appointedAt: facilitator ? new Date() : null,
    })
    .where(eq(memberships.id, existing.id))
    .run();
  return true;
}

/** Applies a remote community's answer (Accept or Reject) to a pending request of ours. */
export function applyRemoteDecision(db: Db, membershipId: number, accepted: boolean): Membership {
  return db
    .update(memberships)
    .set({ state: accepted ? "active" : "rejected", decidedAt: new Date() })
    .where(eq(memberships.id, membershipId))
    .returning()
    .get();
}

/** Whether an actor facilitates a group. */
export function isFacilitator(db: Db, groupId: number, actorId: number): boolean {
  const m = findMembership(db, groupId, actorId);
  return m?.state === "active" && m.role === "facilitator";
}

/** Whether an actor is an active member (any role) of a group. */
export function isActiveMember(db: Db, groupId: number, actorId: number): boolean {
  return findMembership(db, groupId, actorId)?.state === "active";
}

function assertMayModerate(db: Db, groupId: number, byActorId: number | null): void {
  // null stands for the instance administrator acting from the command line.
  if (byActorId === null || isFacilitator(db, groupId, byActorId)) return;
  const admin = db.select().from(accounts).where(eq(accounts.actorId, byActorId)).get();
  if (admin?.isAdmin) return;
  throw new ForbiddenError("Only the community's facilitators can decide on membership requests");
}

/** Whether any active member of a group has their account on the given host. */
export function hasActiveMemberOnHost(db: Db, groupId: number, host: string): boolean {
  const row = db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(actors, eq(memberships.memberId, actors.id))
    .where(
      and(eq(memberships.groupId, groupId), eq(memberships.state, "active"), eq(actors.host, host)),
    )
    .get();
  return row !== undefined;
}

/** A facilitator (or instance admin) decides on a pending request; returns the updated row. */
export function decideMembership(
  db: Db,
  input: { groupId: number; memberId: number; byActorId: number | null; approve: boolean },
): Membership {
  assertMayModerate(db, input.groupId, input.byActorId);
  const existing = findMembership(db, input.groupId, input.memberId);
  if (existing?.state !== "pending") {
    throw new NotFoundError("There is no pending request from that person");
  }
  return db
    .update(memberships)
    .set({ state: input.approve ? "active" : "rejected", decidedAt: new Date() })
    .where(eq(memberships.id, existing.id))
    .returning()
    .get();
}

/**
 * Removes a membership (leaving, or withdrawing a request). The last facilitator of a local
 * community cannot leave, or nobody would be able to run it.
 */
export function leaveGroup(db: Db, groupId: number, memberId: number): Membership {
  const existing = findMembership(db, groupId, memberId);
  // Leaving would forget a ban, and with it the reason the person may not come back.
  if (!existing || existing.state === "banned") {
    throw new NotFoundError("You are not a member of that community");
  }
  if (existing.role === "facilitator" && existing.state === "active") {
    const facilitators =
      db
        .select({ n: count() })
        .from(memberships)
        .where(
          and(
            eq(memberships.groupId, groupId),
            eq(memberships.role, "facilitator"),
            eq(memberships.state, "active"),
          ),
        )
        .get()?.n ?? 0;
    if (facilitators <= 1 && findCommunityByActorId(db, groupId)) {
      throw new ConflictError(
        "You are the only facilitator. Appoint another facilitator before you leave.",
      );
    }
  }
  db.delete(memberships).where(eq(memberships.id, existing.id)).run();
  return existing;
}

/** Lists members of a group in one state, facilitators first, then by name. */
export function listMembers(
  db: Db,
  groupId: number,
  state: MembershipState = "active",
): MemberEntry[] {
  return db
    .select({ membership: memberships, member: actors })
    .from(memberships)
    .innerJoin(actors, eq(memberships.memberId, actors.id))
    .where(and(eq(memberships.groupId, groupId), eq(memberships.state, state)))
    .orderBy(sql`${memberships.role} = 'facilitator' desc`, asc(sql`lower(${actors.name})`))
    .all();
}

/** Where a member receives activities: what fan-out needs of each, and no more. */
export interface MemberAddress {
  iri: string;
  inboxUrl: string | null;
  sharedInboxUrl: string | null;
}

/**
 * The addresses of a group's active members, in listMembers' order. Every activity a group
 * sends its followers reads this; building and mapping the full member rows through the query
 * builder was most of the cost of relaying a vote to a few hundred members.
 */
export function listMemberAddresses(db: Db, groupId: number): MemberAddress[] {
  return db.$client
    .prepare(
      `SELECT a.iri AS iri, a.inbox_url AS inboxUrl, a.shared_inbox_url AS sharedInboxUrl
       FROM memberships m JOIN actors a ON a.id = m.member_id
       WHERE m.group_id = ? AND m.state = 'active'
       ORDER BY m.role = 'facilitator' DESC, lower(a.name)`,
    )
    .all(groupId) as MemberAddress[];
}

/** Where a group's members on one other server are reached: a shared inbox, or one's own. */
export interface MemberInbox {
  inbox: string;
  /** Whether it is a shared inbox (1) or a member's own (0). */
  shared: number;
}

/**
 * The inboxes of a group's active members on other servers, each once, shared inboxes
 * preferred: where the group's Announces go (src/federation/relay.ts). Read for every
 * activity the group passes on, so it is one prepared statement that returns a row per
 * inbox, not per member (a community of thousands on a few hundred servers).
 */
export function remoteMemberInboxes(db: Db, groupId: number): MemberInbox[] {
  return remoteInboxes(db).all(groupId) as MemberInbox[];
}

// The flag is counted with CASE rather than MAX of a comparison: a comparison is a number in
// SQLite but a boolean in PostgreSQL, which has no MAX of booleans.
const remoteInboxes = preparedQuery((db) =>
  db.$client.prepare(
    `SELECT COALESCE(a.shared_inbox_url, a.inbox_url) AS inbox,
       MAX(CASE WHEN a.shared_inbox_url IS NOT NULL THEN 1 ELSE 0 END) AS shared
     FROM memberships m JOIN actors a ON a.id = m.member_id
     WHERE m.group_id = ? AND m.state = 'active' AND a.is_local = 0
       AND COALESCE(a.shared_inbox_url, a.inbox_url) IS NOT NULL
     GROUP BY 1`,
  ),
);

/** Lists the groups (local or remote) an actor belongs to or has asked to join. */
export function listMembershipsOf(
  db: Db,
  memberId: number,
): { membership: Membership; group: ActorRow }[] {
  // Every signed-in home page lists them: kept until a change, frozen as requests share them.
  return keptMembershipsOf(db, memberId, () => frozen(membershipsOfQuery(db).all({ memberId })));
}

const keptMembershipsOf = cachedUntilChange<number, { membership: Membership; group: ActorRow }[]>(
  2_000,
);

// The home page and every profile show it, so the query is prepared once.
const membershipsOfQuery = preparedQuery((db) =>
  db
    .select({ membership: memberships, group: actors })
    .from(memberships)
    .innerJoin(actors, eq(memberships.groupId, actors.id))
    .where(eq(memberships.memberId, sql.placeholder("memberId")))
    .orderBy(asc(sql`lower(${actors.name})`))
    .prepare(),
);
