import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { actors } from "../../db/schema/index.ts";
import { type ActorRow, getActor } from "../actors.ts";
import { findCommunityByActorId } from "../communities.ts";
import { ForbiddenError } from "../errors.ts";
import { isFacilitator } from "../membership.ts";

// An announcement-only community (Lemmy's "only moderators can post") lets only its
// facilitators start new threads: topics, blog entries, events, polls, documents and wiki
// pages. Replies and comments stay open to every member, as in Lemmy.

/**
 * Whether a community is announcement-only: a local one by its setting, a remote one by the
 * `postingRestrictedToMods` its Group last published.
 */
export function isAnnouncementOnly(db: Db, groupId: number): boolean {
  const community = findCommunityByActorId(db, groupId);
  if (community) return community.announcementOnly;
  return getActor(db, groupId)?.postingRestrictedToMods ?? false;
}

/** Remembers whether a remote Group restricts new threads to its moderators. */
export function setRemotePostingRestriction(db: Db, groupId: number, restricted: boolean): void {
  db.update(actors)
    .set({ postingRestrictedToMods: restricted })
    .where(and(eq(actors.id, groupId), eq(actors.isLocal, false)))
    .run();
}

/** Whether someone (local or remote) may start a new thread in a community. */
export function mayStartThread(db: Db, groupId: number, actorId: number): boolean {
  return !isAnnouncementOnly(db, groupId) || isFacilitator(db, groupId, actorId);
}

/** Refuses a new thread from someone who is not a facilitator of an announcement-only group. */
export function assertMayStartThread(db: Db, groups: ActorRow[], actorId: number): void {
  for (const group of groups) {
    if (!mayStartThread(db, group.id, actorId)) throw new AnnouncementOnlyError(group.name);
  }
}

/** A member tried to start a thread in an announcement-only community. */
export class AnnouncementOnlyError extends ForbiddenError {
  constructor(groupName: string) {
    super(
      `${groupName} is announcement-only: only its facilitators can start new topics and posts. You can still reply.`,
    );
  }
}
