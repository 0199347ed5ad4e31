import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { actors, communities, memberships, remoteGroupParents } from "../db/schema/index.ts";
import { type ActorRow, findActorByIri, getActor } from "./actors.ts";
import { type FieldError, NotFoundError, ValidationError } from "./errors.ts";
import { enabledSections, SECTIONS, type SectionId, setEnabledSections } from "./sections.ts";

// Sub-communities form a tree through communities.parentGroupId (local) and
// remote_group_parents (what other servers' Group documents say). This module reads and
// changes that tree; it queries the tables itself so that communities.ts and membership.ts can
// call it without an import cycle.

/** A sub-community as listed under its parent. */
export interface ChildCommunity {
  actor: ActorRow;
  isPrivate: boolean;
}

/** What a new sub-community takes from its parent, checked by planChild. */
export interface ChildPlan {
  parentGroupId: number;
  /** The parent's visibility, when the child inherits its membership rules. */
  visibility: "public" | "private" | null;
  sections: SectionId[];
  inheritsMembership: boolean;
}

/** The parent option of createCommunity, as a form gives it. */
export interface ParentOption {
  groupId: number;
  /** The parent's sections the child keeps; all of them when left out. */
  sections?: Iterable<string> | undefined;
  inheritsMembership?: boolean | undefined;
}

// Ancestor walks stop here even if the data were ever corrupted into a loop.
const MAX_DEPTH = 100;

function localCommunityRow(db: Db, groupId: number) {
  return db.select().from(communities).where(eq(communities.actorId, groupId)).get();
}

function facilitates(db: Db, groupId: number, actorId: number): boolean {
  const row = db
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        eq(memberships.groupId, groupId),
        eq(memberships.memberId, actorId),
        eq(memberships.state, "active"),
        eq(memberships.role, "facilitator"),
      ),
    )
    .get();
  return row !== undefined;
}

/** The parent of a community, local or remote, when it is known here. */
export function parentOf(db: Db, groupId: number): ActorRow | undefined {
  const local = localCommunityRow(db, groupId);
  if (local) return local.parentGroupId ? getActor(db, local.parentGroupId) : undefined;
  const remote = db
    .select()
    .from(remoteGroupParents)
    .where(eq(remoteGroupParents.groupId, groupId))
    .get();
  return remote ? findActorByIri(db, remote.parentIri) : undefined;
}

/** The chain of communities above one, outermost first; empty at the top. */
export function ancestorsOf(db: Db, groupId: number): ActorRow[] {
  const chain: ActorRow[] = [];
  const seen = new Set([groupId]);
  let parent = parentOf(db, groupId);
  while (parent && !seen.has(parent.id) && chain.length < MAX_DEPTH) {
    chain.unshift(parent);
    seen.add(parent.id);
    parent = parentOf(db, parent.id);
  }
  return chain;
}

/** The direct sub-communities of a community that this instance knows of, by name. */
export function childrenOf(db: Db, group: ActorRow): ChildCommunity[] {
  const local = db
    .select({ actor: actors, visibility: communities.visibility })
    .from(communities)
    .innerJoin(actors, eq(communities.actorId, actors.id))
    // Only communities people can visit: not those waiting for approval, refused or deleted.
    .where(
      and(eq(communities.parentGroupId, group.id), inArray(communities.state, ["open", "closed"])),
    )
    .all()
    .map((r) => ({ actor: r.actor, isPrivate: r.visibility === "private" }));
  const remote = db
    .select({ actor: actors })
    .from(remoteGroupParents)
    .innerJoin(actors, eq(remoteGroupParents.groupId, actors.id))
    .where(eq(remoteGroupParents.parentIri, group.iri))
    .all()
    .map((r) => ({ actor: r.actor, isPrivate: r.actor.manuallyApprovesFollowers }));
  return [...local, ...remote].sort((a, b) =>
    a.actor.name.localeCompare(b.actor.name, "en", { sensitivity: "base" }),
  );
}

/** Every local community below one, at any depth (not the community itself). */
export function descendantsOf(db: Db, groupId: number): number[] {
  const found: number[] = [];
  const seen = new Set([groupId]);
  let frontier = [groupId];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const id of frontier) {
      const rows = db
        .select({ id: communities.actorId })
        .from(communities)
        .where(eq(communities.parentGroupId, id))
        .all();
      for (const { id: child } of rows) {
        if (seen.has(child)) continue;
        seen.add(child);
        found.push(child);
        next.push(child);
      }
    }
    frontier = next;
  }
  return found;
}

/**
 * Checks the parent option of a new community: the parent must be a community hosted here,
 * and the child may keep only sections the parent uses. Problems are added to `errors`.
 */
export function planChild(db: Db, option: ParentOption, errors: FieldError[]): ChildPlan | null {
  const parent = localCommunityRow(db, option.groupId);
  if (!parent) {
    errors.push({ field: "parent", message: "The parent community is not hosted here" });
    return null;
  }
  const offered = enabledSections(db, option.groupId);
  const chosen = option.sections ? [...new Set(option.sections)] : [...offered];
  const unknown = chosen.filter((s) => !offered.has(s as SectionId));
  if (unknown.length > 0) {
    errors.push({
      field: "sections",
      message: "Choose only sections the parent community uses",
    });
  }
  return {
    parentGroupId: option.groupId,
    visibility: option.inheritsMembership ? parent.visibility : null,
    sections: SECTIONS.map((s) => s.id).filter((id) => chosen.includes(id)),
    inheritsMembership: option.inheritsMembership === true,
  };
}

/**
 * Finishes a new sub-community inside createCommunity's transaction: it uses the chosen
 * sections and, when it inherits membership rules, the parent's local facilitators run it too.
 */
export function attachChild(db: Db, childId: number, plan: ChildPlan): void {
  setEnabledSections(db, childId, plan.sections);
  if (!plan.inheritsMembership) return;
  const facilitators = db
    .select({ memberId: memberships.memberId })
    .from(memberships)
    .innerJoin(actors, eq(memberships.memberId, actors.id))
    .where(
      and(
        eq(memberships.groupId, plan.parentGroupId),
        eq(memberships.state, "active"),
        eq(memberships.role, "facilitator"),
        eq(actors.isLocal, true),
      ),
    )
    .all();
  for (const { memberId } of facilitators) {
    db.insert(memberships)
      .values({
        groupId: childId,
        memberId,
        state: "active",
        role: "facilitator",
        decidedAt: new Date(),
      })
      .onConflictDoNothing()
      .run();
  }
}

/**
 * Whether someone may join a community at once because it inherits its parent's membership
 * rules and they are an active member of the parent.
 */
export function joinsThroughParent(
  db: Db,
  community: { inheritsMembership: boolean; parentGroupId: number | null },
  memberId: number,
): boolean {
  if (!community.inheritsMembership || community.parentGroupId === null) return false;
  const row = db
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        eq(memberships.groupId, community.parentGroupId),
        eq(memberships.memberId, memberId),
        eq(memberships.state, "active"),
      ),
    )
    .get();
  return row !== undefined;
}

/**
 * Moves a local community under another one it may join (or to the top when `parentId` is
 * null). The new parent must be a local community the mover facilitates (any, for an instance
 * administrator), and never the community itself or one of its descendants: the tree stays a
 * tree. Refused moves change nothing.
 */
export function moveCommunity(
  db: Db,
  input: { groupId: number; parentId: number | null; byActorId: number; asAdmin?: boolean },
): ActorRow | null {
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    if (!localCommunityRow(txDb, input.groupId)) {
      throw new NotFoundError("That community is not hosted on this instance");
    }
    const refuse = (message: string): never => {
      throw new ValidationError([{ field: "parent", message }]);
    };
    let parent: ActorRow | null = null;
    if (input.parentId !== null) {
      if (input.parentId === input.groupId) refuse("A community cannot be moved under itself");
      if (!localCommunityRow(txDb, input.parentId)) {
        refuse("Choose a community hosted on this instance, or none");
      }
      parent = getActor(txDb, input.parentId) ?? null;
      // The new parent's own chain must not pass through the community being moved.
      if (ancestorsOf(txDb, input.parentId).some((a) => a.id === input.groupId)) {
        refuse(
          `${parent?.name} is one of this community's sub-communities, so it cannot become its parent`,
        );
      }
      if (!input.asAdmin && !facilitates(txDb, input.parentId, input.byActorId)) {
        refuse("Choose a community you facilitate");
      }
    }
    txDb
      .update(communities)
      .set({ parentGroupId: input.parentId })
      .where(eq(communities.actorId, input.groupId))
      .run();
    return parent;
  });
}

/**
 * The local communities someone could move a community under: those they facilitate (all of
 * them for an administrator), by name, other than the community itself.
 */
export function moveTargets(
  db: Db,
  groupId: number,
  byActorId: number,
  asAdmin = false,
): ActorRow[] {
  const rows = asAdmin
    ? db
        .select({ actor: actors })
        .from(communities)
        .innerJoin(actors, eq(communities.actorId, actors.id))
        .orderBy(asc(sql`lower(${actors.name})`))
        .all()
    : db
        .select({ actor: actors })
        .from(memberships)
        .innerJoin(communities, eq(communities.actorId, memberships.groupId))
        .innerJoin(actors, eq(communities.actorId, actors.id))
        .where(
          and(
            eq(memberships.memberId, byActorId),
            eq(memberships.state, "active"),
            eq(memberships.role, "facilitator"),
          ),
        )
        .orderBy(asc(sql`lower(${actors.name})`))
        .all();
  return rows.map((r) => r.actor).filter((a) => a.id !== groupId);
}

/** Records (or forgets, with null) the parent a remote community's Group document names. */
export function setRemoteParent(db: Db, groupId: number, parentIri: string | null): void {
  if (parentIri === null) {
    db.delete(remoteGroupParents).where(eq(remoteGroupParents.groupId, groupId)).run();
    return;
  }
  db.insert(remoteGroupParents)
    .values({ groupId, parentIri })
    .onConflictDoUpdate({ target: remoteGroupParents.groupId, set: { parentIri } })
    .run();
}

/** A community placed in the tree of "All communities". */
export interface TreeRow<T> {
  community: T;
  depth: number;
  parent: T | undefined;
}

/**
 * Orders communities as a tree, each parent followed by its children (keeping the given order
 * among siblings). Communities whose parent is not in the list start their own branch.
 */
export function orderAsTree<T extends { actor: { id: number }; parentGroupId: number | null }>(
  list: readonly T[],
): TreeRow<T>[] {
  const byId = new Map(list.map((c) => [c.actor.id, c]));
  const childrenOf = new Map<number, T[]>();
  const roots: T[] = [];
  for (const c of list) {
    const parent = c.parentGroupId === null ? undefined : byId.get(c.parentGroupId);
    if (!parent) roots.push(c);
    else childrenOf.set(parent.actor.id, [...(childrenOf.get(parent.actor.id) ?? []), c]);
  }
  const out: TreeRow<T>[] = [];
  const seen = new Set<number>();
  const visit = (c: T, depth: number) => {
    if (seen.has(c.actor.id)) return;
    seen.add(c.actor.id);
    const parent = c.parentGroupId === null ? undefined : byId.get(c.parentGroupId);
    out.push({ community: c, depth, parent });
    for (const child of childrenOf.get(c.actor.id) ?? []) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  // Only a loop in the data could leave anything unvisited; list it rather than hide it.
  for (const c of list) visit(c, 0);
  return out;
}
