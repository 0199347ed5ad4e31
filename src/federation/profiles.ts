import { Update } from "@fedify/vocab";
import type { ActorRow } from "../domain/actors.ts";
import { listContactFollowers } from "../domain/contacts.ts";
import { listMembershipsOf } from "../domain/membership.ts";
import { logger } from "../logging.ts";
import { localActorObject } from "./actors.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { recipientOf } from "./recipients.ts";

const log = logger("federation", "profiles");

/**
 * Tells the remote communities a person belongs to, and remote people who have them as a
 * contact, that their profile changed. Local readers use the same database.
 */
export async function publishProfileUpdate(ctx: CopseContext, person: ActorRow): Promise<void> {
  const recipients = listMembershipsOf(ctx.data.db, person.id)
    .filter(({ membership, group }) => membership.state === "active" && !group.isLocal)
    .map(({ group }) => recipientOf(group));
  // Remote people who have this person as a contact keep a copy of the profile too.
  for (const follower of listContactFollowers(ctx.data.db, person.id)) {
    if (!follower.isLocal) recipients.push(recipientOf(follower));
  }
  if (recipients.length === 0) return;
  const actor = await localActorObject(ctx, person);
  const update = new Update({
    id: newActivityIri(ctx, "update"),
    actor: actor.id,
    object: actor,
  });
  await ctx.sendActivity({ identifier: person.handle }, recipients, update, {
    preferSharedInbox: true,
  });
  log.info("Sent the profile of {person} to {count} communities and contacts", {
    person: person.handle,
    count: recipients.length,
  });
}
