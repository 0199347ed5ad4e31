import type { RequestContext } from "@fedify/fedify";
import { Application, Service } from "@fedify/vocab";
import { type ActorRow, findActorByIri } from "../domain/actors.ts";
import { findCommunityByActorId } from "../domain/communities.ts";
import { hasActiveMemberOnHost, isActiveMember } from "../domain/membership.ts";
import type { ContextData } from "./context.ts";
import { remoteGroupHasMemberOnHost } from "./remote-members.ts";

/**
 * Whether the signer of a request may read what a group keeps for its members: the group
 * itself, an active member, or the instance actor of a server where a member lives. Public
 * local groups are readable by anyone; for a remote group we ask its own member list.
 */
export async function signerMayReadGroup(
  ctx: RequestContext<ContextData>,
  group: ActorRow,
): Promise<boolean> {
  const community = findCommunityByActorId(ctx.data.db, group.id);
  if (community?.visibility === "public") return true;
  const owner = await ctx.getSignedKeyOwner();
  if (!owner?.id) return false;
  if (owner.id.href === group.iri) return true;
  // The group's home server relays its content to members, so it may fetch it.
  if (!group.isLocal && owner.id.host === new URL(group.iri).host) return true;
  const requester = findActorByIri(ctx.data.db, owner.id.href);
  if (requester && isActiveMember(ctx.data.db, group.id, requester.id)) return true;
  // A member's server may sign with its own instance actor (shared-inbox fetches do). Only
  // that server-wide actor is let in: an ordinary account on the same big server is not.
  const isServerActor = owner instanceof Application || owner instanceof Service;
  if (!isServerActor) return false;
  if (group.isLocal) return hasActiveMemberOnHost(ctx.data.db, group.id, owner.id.host);
  return remoteGroupHasMemberOnHost(ctx, group, owner.id.host);
}
