import type { InboxContext } from "@fedify/fedify";
import type { Delete } from "@fedify/vocab";
import { findActorByIri } from "../../domain/actors.ts";
import { forgetDeletedRemoteCommunity } from "../../domain/admin/communities.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";

// Delete{Group}: a remote community's own server deleted it. Only the group itself may say so
// (actor and object are the same id, and Fedify has checked the signature is the actor's, so
// the Delete comes from the group's origin); anyone else naming a group is refused. Our people's
// memberships in it are forgotten and each is told, as members of a local deleted community are.

const log = logger("federation", "inbox", "group-deleted");

/** Handles a Delete whose object is a group we know; returns false when it is about something else. */
export function onGroupDeleted(ctx: InboxContext<ContextData>, del: Delete): boolean {
  const objectIri = del.objectId?.href;
  const group = objectIri ? findActorByIri(ctx.data.db, objectIri) : undefined;
  if (group?.type !== "Group") return false;
  const actorIri = del.actorId?.href;
  if (
    group.isLocal ||
    actorIri !== group.iri ||
    new URL(actorIri).origin !== new URL(group.iri).origin
  ) {
    log.warn("Refused Delete of {group} by {actor}: only a remote group deletes itself", {
      group: group.iri,
      actor: actorIri,
    });
    return true;
  }
  const members = forgetDeletedRemoteCommunity(ctx.data.db, group.id);
  log.info("{group} was deleted on its server; forgot {members} local membership(s)", {
    group: group.iri,
    members,
  });
  return true;
}
