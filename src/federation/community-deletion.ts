import { Delete, PUBLIC_COLLECTION } from "@fedify/vocab";
import { deleteCommunity, forgetMemberships } from "../domain/admin/communities.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";

// An administrator deletes a community hosted here. Its local members are told first (a notice
// each, which the notifications page and email alerts show); then the community is marked
// deleted, so its pages are gone and its Group answers 410 with a Tombstone; then Delete{Group},
// signed by the group itself, goes to its followers' servers (its remote members), as Lemmy
// and Mastodon send Delete of an actor; last, its memberships are forgotten. Receiving a
// Delete{Group} is in src/federation/inbox/group-deleted.ts.

const log = logger("federation", "community-deletion");

/** Deletes a local community and tells its remote members' servers; returns its name. */
export async function deleteCommunityEverywhere(
  ctx: CopseContext,
  groupId: number,
  reason: string,
): Promise<string> {
  const { db } = ctx.data;
  const community = deleteCommunity(db, groupId, reason);
  const group = community.actor;
  // A community that never opened was never federated: nobody elsewhere knows it.
  if (community.state === "open" || community.state === "closed") {
    const id = new URL(group.iri);
    const del = new Delete({
      id: newActivityIri(ctx, "delete"),
      actor: id,
      object: id,
      summary: reason,
      tos: [PUBLIC_COLLECTION],
      ccs: [ctx.getFollowersUri(group.handle)],
    });
    // The followers are read now, before the memberships below are forgotten.
    await ctx.sendActivity({ identifier: group.handle }, "followers", del, {
      preferSharedInbox: true,
      excludeBaseUris: [new URL(ctx.origin)],
    });
  }
  forgetMemberships(db, groupId);
  log.info("Deleted community {group}: {reason}", { group: group.handle, reason });
  return group.name;
}
