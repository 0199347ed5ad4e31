import { Join, Leave } from "@fedify/vocab";
import { type ActorRow, getActor } from "../domain/actors.ts";
import { type RsvpRow, rsvp } from "../domain/events/events.ts";
import { groupsOfItem, type ItemRow } from "../domain/items.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { recipientOf } from "./recipients.ts";

const log = logger("federation", "events");

/**
 * A local person answers an event: going or not going. The answer is recorded here at once;
 * for an event hosted elsewhere it is also sent to the organiser as FEP-8a8e says (Join to
 * go, Leave to withdraw), with the event's remote communities in copy so their attendee
 * lists agree. The organiser's server answers a Join with Accept, or Reject (for example
 * when the event has ended there), which src/federation/inbox/events.ts applies.
 */
export async function answerEvent(
  ctx: CopseContext,
  item: ItemRow,
  person: ActorRow,
  status: "going" | "not_going",
): Promise<RsvpRow> {
  const { db } = ctx.data;
  const activityId = item.isLocal
    ? null
    : newActivityIri(ctx, status === "going" ? "join" : "leave");
  const row = rsvp(db, item, person, status, { activityIri: activityId?.href ?? null });
  if (!activityId) return row;
  const organiser = getActor(db, item.authorId);
  if (!organiser || organiser.isLocal) return row;
  const groups = groupsOfItem(db, item.id).filter((g) => !g.isLocal && g.id !== organiser.id);
  const Verb = status === "going" ? Join : Leave;
  const activity = new Verb({
    id: activityId,
    actor: new URL(person.iri),
    object: new URL(item.iri),
    to: new URL(organiser.iri),
    ccs: groups.map((g) => new URL(g.iri)),
  });
  await ctx.sendActivity(
    { identifier: person.handle },
    [recipientOf(organiser), ...groups.map(recipientOf)],
    activity,
    { preferSharedInbox: true },
  );
  log.info("{person} told {organiser} they are {status} to {event}", {
    person: person.handle,
    organiser: organiser.iri,
    status,
    event: item.iri,
  });
  return row;
}
