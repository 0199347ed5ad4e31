import type { InboxContext, RequestContext, UnverifiedActivityReason } from "@fedify/fedify";
import { type Activity, Delete, isActor, type Update } from "@fedify/vocab";
import { markRemotePersonGone } from "../../domain/account/deletion.ts";
import { findActorByIri, upsertRemoteActor } from "../../domain/actors.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { askOrigin } from "../origin-fetch.ts";
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
  // Fedify rebuilds the embedded Group without the properties it does not know (Lemmy's
  // postingRestrictedToMods), so the Group is also read from the Update as received.
  const received = (await update.toJsonLd()) as { object?: unknown } | undefined;
  await refreshRemoteGroup(ctx.data.db, row, object, received?.object);
  log.info("Refreshed the profile of {actor}", { actor: known.iri });
  return true;
}

/**
 * A remote person's server says they deleted their account: Delete{Person} whose object is
 * its actor. Fedify has checked that the signing key belongs to that actor, so the person's
 * own server sent it; nobody else can make Copse forget someone.
 */
export async function onPersonDeleted(ctx: InboxContext<ContextData>, del: Delete): Promise<void> {
  const iri = del.actorId?.href;
  const known = iri ? findActorByIri(ctx.data.db, iri) : undefined;
  if (!known || known.isLocal || del.objectId?.href !== iri) {
    log.info("Ignored Delete of actor {actor}: not a remote person known here", { actor: iri });
    return;
  }
  if (markRemotePersonGone(ctx.data.db, known.id)) {
    log.info("{actor} deleted their account; memberships and profile removed", { actor: iri });
  }
}

/**
 * A Delete{Person} whose signature could not be checked because the person's key is gone
 * with them (their server answers 410 for the key). It is honoured only when the key was on
 * the person's own server and that server, asked here directly, says the person is gone
 * (a Tombstone or 410): the same proof any deletion needs. Anything else keeps the 401.
 */
export async function onUnverifiedPersonDelete(
  ctx: RequestContext<ContextData>,
  activity: Activity,
  reason: UnverifiedActivityReason,
): Promise<Response | undefined> {
  if (!(activity instanceof Delete)) return undefined;
  const actor = activity.actorId;
  if (!actor || activity.objectId?.href !== actor.href) return undefined;
  if (reason.type !== "keyFetchError" || reason.keyId.origin !== actor.origin) return undefined;
  const known = findActorByIri(ctx.data.db, actor.href);
  if (!known || known.isLocal || known.type !== "Person" || known.deletedAt) return undefined;
  const answer = await askOrigin(ctx, actor);
  if (answer.kind !== "gone") {
    log.warn("Refused an unverified Delete of {actor}: its origin says {kind}", {
      actor: actor.href,
      kind: answer.kind,
    });
    return undefined;
  }
  markRemotePersonGone(ctx.data.db, known.id);
  log.info("{actor} is gone, as their own server confirms; memberships and profile removed", {
    actor: actor.href,
  });
  return new Response(null, { status: 202 });
}
