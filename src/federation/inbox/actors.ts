import type { InboxContext } from "@fedify/fedify";
import { isActor, type Update } from "@fedify/vocab";
import { findActorByIri, upsertRemoteActor } from "../../domain/actors.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { refreshRemotePerson } from "../people.ts";
import { refreshRemoteGroup } from "../subcommunities.ts";
import { remoteActorData } from "../vocab/actors.ts";

const log = logger("federation", "inbox", "actors");

/**
 * A remote actor changed its profile (name, summary, inbox...). Only the actor itself may
 * update itself, and only actors we already know are refreshed: we keep no stranger's profile.
 */
export async function onActorUpdated(
  ctx: InboxContext<ContextData>,
  update: Update,
): Promise<boolean> {
  if (!update.objectId || update.objectId.href !== update.actorId?.href) return false;
  const known = findActorByIri(ctx.data.db, update.objectId.href);
  if (!known || known.isLocal) return false;
  // The embedded object is trusted because the Update is signed by the actor it describes.
  const object = await update.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null);
  if (!isActor(object)) return false;
  const data = remoteActorData(object);
  if (!data || data.iri !== known.iri) return false;
  const row = upsertRemoteActor(ctx.data.db, data);
  await refreshRemotePerson(ctx.data.db, row, object);
  await refreshRemoteGroup(ctx.data.db, row, object);
  log.info("Refreshed the profile of {actor}", { actor: known.iri });
  return true;
}
