import { Update } from "@fedify/vocab";
import type { ActorRow } from "../domain/actors.ts";
import { logger } from "../logging.ts";
import { localActorObject } from "./actors.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";

const log = logger("federation", "group-update");

/**
 * Tells a local community's remote members that its Group document changed (it moved in the
 * tree), so their servers show the new parent without waiting to fetch it again.
 */
export async function publishGroupUpdate(ctx: CopseContext, group: ActorRow): Promise<void> {
  const actor = await localActorObject(ctx, group);
  const update = new Update({ id: newActivityIri(ctx, "update"), actor: actor.id, object: actor });
  await ctx.sendActivity({ identifier: group.handle }, "followers", update, {
    preferSharedInbox: true,
    excludeBaseUris: [new URL(ctx.origin)],
  });
  log.info("Sent the updated Group of {group} to its followers", { group: group.handle });
}
