import { Delete, PUBLIC_COLLECTION } from "@fedify/vocab";
import type { DeletedAccount } from "../domain/account/deletion.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { publishItemChange } from "./publish.ts";
import { recipientOf } from "./recipients.ts";

const log = logger("federation", "account-deletion");

/**
 * Tells other servers that a local person deleted their account (or an administrator did):
 * first a Delete for each post they chose to remove, to wherever it was published, then one
 * Delete{Person} to every server that knew them, as Mastodon sends it (object = the actor's
 * id, addressed to the public), signed with the person's own key.
 */
export async function federateAccountDeletion(
  ctx: CopseContext,
  deleted: DeletedAccount,
): Promise<void> {
  for (const item of deleted.removedItems) await publishItemChange(ctx, item, "delete");
  const person = new URL(deleted.actor.iri);
  const activity = new Delete({
    id: new URL(`${deleted.actor.iri}#delete`),
    actor: person,
    object: person,
    to: PUBLIC_COLLECTION,
  });
  const recipients = deleted.knownBy.map(recipientOf);
  if (recipients.length > 0) {
    await ctx.sendActivity({ identifier: deleted.actor.handle }, recipients, activity, {
      preferSharedInbox: true,
    });
  }
  log.info("Sent Delete of {person} to {count} actors, with {items} post deletions", {
    person: deleted.actor.iri,
    count: recipients.length,
    items: deleted.removedItems.length,
  });
}
