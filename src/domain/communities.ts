import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { cachedUntilChange, frozen } from "../db/generation.ts";
import { preparedQuery } from "../db/prepared.ts";
import { actors, communities, memberships } from "../db/schema/index.ts";
import { type ActorRow, findLocalActor, handleProblem, insertLocalActor } from "./actors.ts";
import { attachChild, type ParentOption, planChild } from "./community-tree.ts";
import { type FieldError, NotFoundError, ValidationError } from "./errors.ts";
import type { Stage } from "./lifecycle.ts";
import { communityPagePath } from "./paths.ts";

/** Whether anyone may join at once (public) or a facilitator must approve (private). */
export type Visibility = "public" | "private";

/** Where a community stands with the administrators (see src/domain/admin/communities.ts). */
export type CommunityState = (typeof communities.$inferSelect)["state"];

/** A local community with its Group actor. */
export interface Community {
  id: number;
  visibility: Visibility;
  createdAt: Date;
  actor: ActorRow;
  /** The Group actor of the community this one is a sub-community of (src/domain/community-tree.ts). */
  parentGroupId: number | null;
  inheritsMembership: boolean;
  stage: Stage;
  /** The community's rules in plain text (empty when it has none). */
  rules: string;
  /** Whether only facilitators start new threads (src/domain/moderation/announcement.ts). */
  announcementOnly: boolean;
  state: CommunityState;
  /** The administrator's reason for rejecting, closing or deleting it. */
  stateReason: string;
  /** Who created it (while they exist). */
  createdById: number | null;
}

/** A community as listed in "All communities". */
export interface CommunitySummary extends Community {
  memberCount: number;
}

/**
 * Creates a community and its Group actor, with the owner as its first facilitator; with
 * `parent`, a sub-community that keeps the chosen sections and maybe the parent's membership
 * rules (src/domain/community-tree.ts).
 */
export function createCommunity(
  db: Db,
  origin: string,
  input: {
    handle: string;
    name: string;
    description: string;
    visibility: string;
    ownerActorId: number;
    parent?: ParentOption;
    /** Whether it waits for an administrator's approval before it is listed or federated. */
    pending?: boolean;
  },
): Community {
  const handle = input.handle.trim().toLowerCase();
  const name = input.name.replace(/\s+/g, " ").trim();
  const description = input.description.replace(/\r\n/g, "\n").trim();
  const errors: FieldError[] = [];
  if (name.length === 0) errors.push({ field: "name", message: "Enter a name for the community" });
  else if (name.length > 100)
    errors.push({ field: "name", message: "Name must be 100 characters or fewer" });
  const problem = handleProblem(handle);
  if (problem) errors.push({ field: "handle", message: problem });
  else if (findLocalActor(db, handle)) {
    errors.push({ field: "handle", message: `The handle "${handle}" is already taken` });
  }
  if (description.length > 5000) {
    errors.push({ field: "description", message: "Description must be 5,000 characters or fewer" });
  }
  const child = input.parent ? planChild(db, input.parent, errors) : null;
  // A sub-community that inherits its parent's membership rules takes its visibility too.
  const requested = child?.visibility ?? input.visibility;
  if (requested !== "public" && requested !== "private") {
    errors.push({
      field: "visibility",
      message: "Choose whether the community is public or private",
    });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  const visibility = requested as Visibility;

  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const actor = insertLocalActor(txDb, origin, {
      type: "Group",
      handle,
      name,
      summary: description,
      url: `${origin}${communityPagePath(handle)}`,
      manuallyApprovesFollowers: visibility === "private",
    });
    const row = txDb
      .insert(communities)
      .values({
        actorId: actor.id,
        visibility,
        createdById: input.ownerActorId,
        parentGroupId: child?.parentGroupId ?? null,
        inheritsMembership: child?.inheritsMembership ?? false,
        state: input.pending ? "pending" : "open",
      })
      .returning()
      .get();
    txDb
      .insert(memberships)
      .values({
        groupId: actor.id,
        memberId: input.ownerActorId,
        state: "active",
        role: "facilitator",
        decidedAt: new Date(),
        appointedAt: new Date(),
      })
      .run();
    if (child) attachChild(txDb, actor.id, child);
    return toCommunity({ community: row, actor });
  });
}

// Every page of a community looks it up by handle, and often again by its actor; the answer
// is the same until the database changes (src/db/generation.ts), so it is kept till then. What
// is kept is frozen: every request shares it.
const byHandle = cachedUntilChange<string, Community | undefined>(1_000);
const byActorId = cachedUntilChange<number, Community | undefined>(1_000);

/** Finds a local community by handle. */
export function findCommunity(db: Db, handle: string): Community | undefined {
  return byHandle(db, handle, () => {
    const row = communityByHandle(db).get({ handle });
    return row ? frozenCommunity(row) : undefined;
  });
}

const communityByHandle = preparedQuery((db) =>
  db
    .select({ community: communities, actor: actors })
    .from(communities)
    .innerJoin(actors, eq(communities.actorId, actors.id))
    .where(and(eq(actors.handle, sql.placeholder("handle")), eq(actors.isLocal, true)))
    .prepare(),
);

/** Finds a local community by handle or throws NotFoundError. */
export function getCommunity(db: Db, handle: string): Community {
  const found = findCommunity(db, handle);
  if (!found) throw new NotFoundError(`There is no community called "${handle}" here`);
  return found;
}

/** Finds the local community backed by a Group actor id. */
export function findCommunityByActorId(db: Db, actorId: number): Community | undefined {
  return byActorId(db, actorId, () => {
    const row = communityByActorId(db).get({ actorId });
    return row ? frozenCommunity(row) : undefined;
  });
}

/** A community made from its row, frozen (with its actor) because it is shared. */
function frozenCommunity(row: Parameters<typeof toCommunity>[0]): Community {
  return frozen(toCommunity(row));
}

const communityByActorId = preparedQuery((db) =>
  db
    .select({ community: communities, actor: actors })
    .from(communities)
    .innerJoin(actors, eq(communities.actorId, actors.id))
    .where(eq(communities.actorId, sql.placeholder("actorId")))
    .prepare(),
);

/**
 * Lists every local community with its active member count, alphabetically. Private
 * communities are listed (people must find them to ask to join) but never their content.
 */
export function listCommunities(db: Db): CommunitySummary[] {
  const memberCount = db
    .select({ groupId: memberships.groupId, n: count().as("n") })
    .from(memberships)
    .where(eq(memberships.state, "active"))
    .groupBy(memberships.groupId)
    .as("member_count");
  return (
    db
      .select({ community: communities, actor: actors, n: memberCount.n })
      .from(communities)
      .innerJoin(actors, eq(communities.actorId, actors.id))
      .leftJoin(memberCount, eq(memberCount.groupId, actors.id))
      // Communities waiting for approval, refused or deleted are for administrators' pages only.
      .where(inArray(communities.state, ["open", "closed"]))
      .orderBy(asc(sql`lower(${actors.name})`))
      .all()
      .map((row) => ({ ...toCommunity(row), memberCount: row.n ?? 0 }))
  );
}

function toCommunity(row: {
  community: typeof communities.$inferSelect;
  actor: ActorRow;
}): Community {
  return {
    id: row.community.id,
    visibility: row.community.visibility,
    createdAt: row.community.createdAt,
    actor: row.actor,
    parentGroupId: row.community.parentGroupId,
    inheritsMembership: row.community.inheritsMembership,
    stage: row.community.stage,
    rules: row.community.rules,
    announcementOnly: row.community.announcementOnly,
    state: row.community.state,
    stateReason: row.community.stateReason,
    createdById: row.community.createdById,
  };
}
