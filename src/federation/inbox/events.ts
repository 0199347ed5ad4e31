import type { InboxContext } from "@fedify/fedify";
import {
  Accept,
  type Object as APObject,
  Event,
  Join,
  type Leave,
  Reject,
  TentativeAccept,
} from "@fedify/vocab";
import { type ActorRow, findActorByIri, getActor, upsertRemoteActor } from "../../domain/actors.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../../domain/errors.ts";
import {
  findRsvpByActivity,
  type RsvpStatus,
  removeRsvp,
  rsvp,
  saveEventDetails,
} from "../../domain/events/events.ts";
import { findItemByIri, getItem, groupsOfItem, type ItemRow } from "../../domain/items.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { newActivityIri } from "../membership.ts";
import { recipientOf } from "../recipients.ts";
import { remoteActorData } from "../vocab/actors.ts";
import { remoteEventDetails } from "../vocab/events.ts";

// RSVPs, as FEP-8a8e describes them: a Join of the Event to go, a Leave to withdraw, answered
// by the organiser's server with Accept{Join}, or Reject{Join} when the event has ended or
// the person may not see it. Friendica-like software answers the Event itself instead:
// Accept (going), TentativeAccept (maybe) or Reject (not going); those need no answer.

const log = logger("federation", "inbox", "events");
type Ctx = InboxContext<ContextData>;
type Answer = Accept | TentativeAccept | Reject;

/** The event item (live, any origin) an id names, if we hold one. */
function eventNamed(ctx: Ctx, id: URL | null): ItemRow | undefined {
  const item = id ? findItemByIri(ctx.data.db, id.href) : undefined;
  return item?.kind === "event" && !item.deletedAt ? item : undefined;
}

/**
 * Whether an activity's object is one of the events we hold or one of our own RSVPs, so the
 * membership listeners (which also handle Join, Leave, Accept and Reject) pass it here.
 */
export function concernsEvent(ctx: Ctx, objectId: URL | null): boolean {
  if (!objectId) return false;
  if (eventNamed(ctx, objectId)) return true;
  return findRsvpByActivity(ctx.data.db, objectId.href) !== undefined;
}

/** Whether this instance keeps the attendee list of an event: it hosts it or its community. */
function keepsAttendees(ctx: Ctx, item: ItemRow): boolean {
  return item.isLocal || groupsOfItem(ctx.data.db, item.id).some((g) => g.isLocal);
}

/** The remote person who sent an activity, stored or refreshed; null for local or unknown. */
async function remoteSender(ctx: Ctx, activity: Join | Leave | Answer): Promise<ActorRow | null> {
  if (!activity.actorId) return null;
  const known = findActorByIri(ctx.data.db, activity.actorId.href);
  if (known) return known.isLocal ? null : known;
  const actor = await activity.getActor(ctx).catch(() => null);
  const data = actor ? remoteActorData(actor) : null;
  return data ? upsertRemoteActor(ctx.data.db, data) : null;
}

/** Records an answer; a refusal by the rules comes back as the reason, anything else throws. */
function tryRsvp(
  ctx: Ctx,
  item: ItemRow,
  person: ActorRow,
  status: RsvpStatus,
  activityIri: string | null,
): string | null {
  try {
    rsvp(ctx.data.db, item, person, status, { activityIri });
    return null;
  } catch (error) {
    if (
      error instanceof ConflictError ||
      error instanceof ForbiddenError ||
      error instanceof NotFoundError
    ) {
      return error.message;
    }
    throw error;
  }
}

/** Someone elsewhere asks to attend an event (Join); the organiser's server answers. */
export async function onEventJoined(ctx: Ctx, join: Join): Promise<void> {
  const item = eventNamed(ctx, join.objectId);
  const person = await remoteSender(ctx, join);
  if (!item || !person || !join.id || !keepsAttendees(ctx, item)) {
    log.info("Ignored Join {id} of an event", { id: join.id?.href });
    return;
  }
  const refusal = tryRsvp(ctx, item, person, "going", join.id.href);
  log.info("{person} asked to attend {event}: {outcome}", {
    person: person.iri,
    event: item.iri,
    outcome: refusal ?? "going",
  });
  // Only the server that hosts the event answers; a community's home only keeps count.
  const organiser = item.isLocal ? getActor(ctx.data.db, item.authorId) : undefined;
  if (!organiser?.isLocal) return;
  const Verb = refusal ? Reject : Accept;
  const answer = new Verb({
    id: newActivityIri(ctx, refusal ? "reject" : "accept"),
    actor: new URL(organiser.iri),
    to: new URL(person.iri),
    object: new Join({ id: join.id, actor: new URL(person.iri), object: new URL(item.iri) }),
    summary: refusal,
  });
  await ctx.sendActivity({ identifier: organiser.handle }, recipientOf(person), answer);
}

/** Someone elsewhere withdraws from an event (Leave). */
export async function onEventLeft(ctx: Ctx, leave: Leave): Promise<void> {
  const item = eventNamed(ctx, leave.objectId);
  const person = await remoteSender(ctx, leave);
  if (!item || !person || !keepsAttendees(ctx, item)) {
    log.info("Ignored Leave {id} of an event", { id: leave.id?.href });
    return;
  }
  const refusal = tryRsvp(ctx, item, person, "not_going", leave.id?.href ?? null);
  log.info("{person} is not going to {event}: {outcome}", {
    person: person.iri,
    event: item.iri,
    outcome: refusal ?? "recorded",
  });
}

/** The organiser's server answered one of our people's Join: keep it, or drop a refused one. */
function onRsvpAnswered(ctx: Ctx, answer: Answer, objectId: URL): void {
  const row = findRsvpByActivity(ctx.data.db, objectId.href);
  if (!row) return;
  const event = getItem(ctx.data.db, row.itemId);
  // Only the event's own server may settle an RSVP to it.
  if (!event || !answer.actorId || answer.actorId.origin !== new URL(event.iri).origin) {
    log.warn("Ignored answer {id} to an RSVP: not from the event's server", {
      id: answer.id?.href,
    });
    return;
  }
  if (answer instanceof Reject) {
    removeRsvp(ctx.data.db, row.id);
    log.info("The organiser of {event} refused an RSVP: {reason}", {
      event: event.iri,
      reason: answer.summary?.toString() ?? "no reason given",
    });
  } else {
    log.info("The organiser of {event} accepted an RSVP", { event: event.iri });
  }
}

/**
 * An Accept, TentativeAccept or Reject about events: either the organiser's answer to one of
 * our Joins, or (Friendica and similar) a remote person answering one of our events.
 */
export async function onEventAnswered(ctx: Ctx, answer: Answer): Promise<void> {
  const objectId = answer.objectId;
  if (!objectId) return;
  if (findRsvpByActivity(ctx.data.db, objectId.href)) {
    onRsvpAnswered(ctx, answer, objectId);
    return;
  }
  const item = eventNamed(ctx, objectId);
  const person = await remoteSender(ctx, answer);
  if (!item || !person || !keepsAttendees(ctx, item)) {
    log.info("Ignored {type} {id}: not an event whose replies we keep", {
      type: answer.constructor.name,
      id: answer.id?.href,
    });
    return;
  }
  const status: RsvpStatus =
    answer instanceof TentativeAccept ? "maybe" : answer instanceof Reject ? "not_going" : "going";
  const refusal = tryRsvp(ctx, item, person, status, answer.id?.href ?? null);
  log.info("{person} answered {event} with {status}: {outcome}", {
    person: person.iri,
    event: item.iri,
    status,
    outcome: refusal ?? "recorded",
  });
}

/** Handles TentativeAccept, which only ever means "maybe" to an event here. */
export async function onTentativelyAccepted(ctx: Ctx, answer: TentativeAccept): Promise<void> {
  await onEventAnswered(ctx, answer);
}

/** Fetches an event's served document from its origin, for the FEP-8a8e terms it carries. */
async function servedDocument(ctx: Ctx, iri: string): Promise<Record<string, unknown> | null> {
  try {
    const { document } = await ctx.documentLoader(iri);
    if (typeof document !== "object" || document === null || Array.isArray(document)) return null;
    const doc = document as Record<string, unknown>;
    return doc.id === iri ? doc : null;
  } catch (error) {
    log.info("Could not fetch event {iri} from its origin: {error}", { iri, error });
    return null;
  }
}

/**
 * Stores the time and place of a remote event just stored or updated. The object came from
 * the event's own server (or was checked against it); its served document adds the zone,
 * address, online link and contact that activities cannot carry.
 */
export async function storeRemoteEventDetails(
  ctx: Ctx,
  item: ItemRow,
  object: APObject,
): Promise<void> {
  if (item.kind !== "event" || item.isLocal || !(object instanceof Event)) return;
  const details = await remoteEventDetails(object, await servedDocument(ctx, item.iri));
  if (!details) {
    log.info("Event {iri} has no start time; it is kept without a date", { iri: item.iri });
    return;
  }
  saveEventDetails(ctx.data.db, item.id, details);
}
