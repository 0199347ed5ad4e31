import type { Recipient } from "@fedify/vocab";
import type { ActorRow } from "../domain/actors.ts";

/** The delivery address of a stored actor. */
export function recipientOf(actor: ActorRow): Recipient {
  return {
    id: new URL(actor.iri),
    inboxId: actor.inboxUrl ? new URL(actor.inboxUrl) : null,
    endpoints: actor.sharedInboxUrl ? { sharedInbox: new URL(actor.sharedInboxUrl) } : null,
  };
}
