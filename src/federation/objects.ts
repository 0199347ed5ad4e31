import { Follow } from "@fedify/vocab";
import { getActor } from "../domain/actors.ts";
import { findMembershipByRequest } from "../domain/membership.ts";
import type { CopseFederation } from "./context.ts";

/** Registers dispatchers that make the ids of activities Copse sends dereferenceable. */
export function registerObjects(federation: CopseFederation): void {
  // Peers may fetch a Follow to verify an Accept or an Undo that names it by id.
  federation.setObjectDispatcher(Follow, "/ap/follows/{id}", (ctx, values) => {
    const iri = ctx.getObjectUri(Follow, values).href;
    const membership = findMembershipByRequest(ctx.data.db, iri);
    if (!membership) return null;
    const member = getActor(ctx.data.db, membership.memberId);
    const group = getActor(ctx.data.db, membership.groupId);
    if (!member?.isLocal || !group) return null;
    return new Follow({ id: new URL(iri), actor: new URL(member.iri), object: new URL(group.iri) });
  });
}
