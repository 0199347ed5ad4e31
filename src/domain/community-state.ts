import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { preparedQuery } from "../db/prepared.ts";
import { communities } from "../db/schema/index.ts";

// Whether a community hosted here takes new posts and members. A community waiting for an
// administrator's approval, refused, closed (read-only) or deleted takes neither; a remote
// community's own server decides for it. Kept apart from the administrators' module so that
// the content and membership rules can ask without importing the administration code.

/** Whether a group takes new posts and members: any remote group, or an open local one. */
export function acceptsContributions(db: Db, groupId: number): boolean {
  const row = communityState(db).get({ groupId });
  return !row || row.state === "open";
}

// Asked for every post and membership request that arrives.
const communityState = preparedQuery((db) =>
  db
    .select({ state: communities.state })
    .from(communities)
    .where(eq(communities.actorId, sql.placeholder("groupId")))
    .prepare(),
);
