import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { cachedUntilChange } from "../db/generation.ts";
import { actors, memberships } from "../db/schema/index.ts";
import type { MemberEntry, MembershipState } from "./membership.ts";

// A community can have thousands of members, so pages show how many there are and one page of
// them at a time (facilitators first, then by name), never the whole list.

/** How many members (or requests, with `state`) a group has, by its (group, state) index. */
export function countMembers(db: Db, groupId: number, state: MembershipState = "active"): number {
  // Every community page shows it: kept until a change.
  return memberCounts(db, `${groupId}:${state}`, () => readMemberCount(db, groupId, state));
}

const memberCounts = cachedUntilChange<string, number>(2_000);

function readMemberCount(db: Db, groupId: number, state: MembershipState): number {
  return (
    db
      .select({ n: count() })
      .from(memberships)
      .where(and(eq(memberships.groupId, groupId), eq(memberships.state, state)))
      .get()?.n ?? 0
  );
}

/** One page of a group's members: facilitators first, then by name. */
export function listMembersPage(
  db: Db,
  groupId: number,
  page: { offset: number; limit: number },
): MemberEntry[] {
  // Every view of a community page shows its first members, the same for every viewer, so a
  // page of them is kept until the database next changes rather than sorted per request.
  const key = `${groupId}:${page.offset}:${page.limit}`;
  return memberPages(db, key, () => readMembersPage(db, groupId, page));
}

const memberPages = cachedUntilChange<string, MemberEntry[]>(200);

function readMembersPage(
  db: Db,
  groupId: number,
  page: { offset: number; limit: number },
): MemberEntry[] {
  // The page's memberships by id first: sorting whole actor rows (keys, profile text) for
  // every member of a large community, to keep ten of them, was most of the query.
  const ids = db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(actors, eq(memberships.memberId, actors.id))
    .where(and(eq(memberships.groupId, groupId), eq(memberships.state, "active")))
    .orderBy(
      sql`${memberships.role} = 'facilitator' desc`,
      asc(sql`lower(${actors.name})`),
      asc(actors.id),
    )
    .limit(page.limit)
    .offset(page.offset)
    .all()
    .map((r) => r.id);
  if (ids.length === 0) return [];
  const byId = new Map(
    db
      .select({ membership: memberships, member: actors })
      .from(memberships)
      .innerJoin(actors, eq(memberships.memberId, actors.id))
      .where(inArray(memberships.id, ids))
      .all()
      .map((r) => [r.membership.id, r]),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}
