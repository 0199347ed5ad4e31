import type { Actor } from "@fedify/vocab";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { actors } from "../db/schema/index.ts";
import type { ActorRow } from "../domain/actors.ts";
import { saveRemotePersonDetails } from "../domain/person-details.ts";
import { remotePersonDetails } from "./vocab/people.ts";

/**
 * Stores what a remote person's server published about them (job, organisation, public
 * contact details, expertise and interests from Hashtags, avatar) so the people finder and
 * profile pages can use it. Groups and other actors are left alone.
 */
export async function refreshRemotePerson(db: Db, row: ActorRow, actor: Actor): Promise<void> {
  if (row.isLocal || row.type !== "Person") return;
  const details = await remotePersonDetails(actor);
  db.update(actors)
    .set({ jobTitle: details.jobTitle, organisation: details.organisation })
    .where(eq(actors.id, row.id))
    .run();
  saveRemotePersonDetails(db, row.id, details);
}
