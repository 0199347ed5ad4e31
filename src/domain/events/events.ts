import { and, asc, count, desc, eq, gt, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { actors, events, itemGroups, items, rsvps } from "../../db/schema/index.ts";
import type { ActorRow } from "../actors.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../errors.ts";
import { canView, composeItem, editItem, type ItemRow, validateItemFields } from "../items.ts";
import { isBannedFromItem } from "../moderation/members.ts";
import {
  canonicalTimeZone,
  type DateParts,
  DEFAULT_TIME_ZONE,
  localToInstant,
  parseDateParts,
  parseTimeOfDay,
} from "./times.ts";

/** A row of the events table: an event item's time, place and contact. */
export type EventRow = typeof events.$inferSelect;
/** A row of the rsvps table. */
export type RsvpRow = typeof rsvps.$inferSelect;
/** How someone answered: going, maybe (remote software only) or not going. */
export type RsvpStatus = RsvpRow["status"];
/** An event's details without the item they belong to. */
export type EventDetails = Omit<EventRow, "itemId">;

/** The event form as typed: title, description, two dates and times, zone, place, contact. */
export interface EventForm {
  title: string;
  body: string;
  start: DateParts & { time: string };
  end: DateParts & { time: string };
  timezone: string;
  locationName: string;
  locationAddress: string;
  onlineUrl: string;
  contact: string;
}

const MAX_LOCATION_NAME = 200;
const MAX_ADDRESS = 500;
const MAX_URL = 2000;
const MAX_CONTACT = 200;

/** Whether a link is an absolute http(s) URL, the only kind offered as an online location. */
function isWebLink(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === "https:" || protocol === "http:";
}

/** Converts one of the form's date-and-time pairs to an instant, collecting any problems. */
function readMoment(
  parts: DateParts & { time: string },
  which: "start" | "end",
  timeZone: string | null,
  errors: FieldError[],
): Date | null {
  const label = which === "start" ? "Start date" : "End date";
  const date = parseDateParts(parts, `${which}-day`, label);
  if ("error" in date) errors.push(date.error);
  const time = parseTimeOfDay(parts.time);
  if (parts.time.trim() === "") {
    errors.push({ field: `${which}-time`, message: `Enter the ${which} time` });
  } else if (!time) {
    errors.push({
      field: `${which}-time`,
      message: `Enter the ${which} time as a time of day, like 9:30am or 14:30`,
    });
  }
  if ("error" in date || !time || !timeZone) return null;
  const instant = localToInstant(date.value, time, timeZone);
  if (!instant) {
    errors.push({
      field: `${which}-time`,
      message: `The ${which} time does not exist in that time zone, because the clocks go forward then`,
    });
  }
  return instant;
}

/**
 * Checks an event form and turns it into stored details: the local times become UTC
 * instants in the chosen zone. Every problem is reported at once, title included.
 */
export function parseEventForm(form: EventForm): EventDetails {
  const errors: FieldError[] = [];
  try {
    validateItemFields("event", { title: form.title, body: form.body });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    errors.push(...error.errors);
  }
  const timezone = canonicalTimeZone(form.timezone);
  if (!timezone) errors.push({ field: "timezone", message: "Select a time zone from the list" });
  // An end date left empty means the event ends on the day it starts.
  const endBlank = [form.end.day, form.end.month, form.end.year].every((p) => p.trim() === "");
  const endParts = endBlank ? { ...form.start, time: form.end.time } : form.end;
  const startsAt = readMoment(form.start, "start", timezone, errors);
  const endsAt = readMoment(endParts, "end", timezone, errors);
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) {
    errors.push({
      field: endBlank || sameDay(form.start, endParts) ? "end-time" : "end-day",
      message: "The end must be after the start",
    });
  }
  const locationName = form.locationName.trim();
  const locationAddress = form.locationAddress.trim();
  const onlineUrl = form.onlineUrl.trim();
  const contact = form.contact.trim();
  if (locationName.length > MAX_LOCATION_NAME)
    errors.push({ field: "location-name", message: "Venue name must be 200 characters or fewer" });
  if (locationAddress.length > MAX_ADDRESS)
    errors.push({ field: "location-address", message: "Address must be 500 characters or fewer" });
  if (onlineUrl && (!isWebLink(onlineUrl) || onlineUrl.length > MAX_URL)) {
    errors.push({
      field: "online-url",
      message: "Enter the online link as a full web address, like https://meet.example.org/team",
    });
  }
  if (contact.length > MAX_CONTACT)
    errors.push({ field: "contact", message: "Contact must be 200 characters or fewer" });
  if (errors.length > 0) throw new ValidationError(errors);
  return {
    startsAt: startsAt!,
    endsAt: endsAt!,
    timezone: timezone!,
    locationName,
    locationAddress,
    onlineUrl: onlineUrl || null,
    contact,
  };
}

function sameDay(a: DateParts, b: DateParts): boolean {
  return (
    Number(a.day) === Number(b.day) &&
    Number(a.month) === Number(b.month) &&
    Number(a.year) === Number(b.year)
  );
}

/** A local member adds an event to some communities; returns the new item. */
export function composeEvent(
  db: Db,
  origin: string,
  input: { author: ActorRow; groups: ActorRow[]; form: EventForm },
): ItemRow {
  const details = parseEventForm(input.form);
  return db.transaction((tx) => {
    const item = composeItem(tx as unknown as Db, origin, {
      kind: "event",
      author: input.author,
      groups: input.groups,
      title: input.form.title,
      body: input.form.body,
    });
    tx.insert(events)
      .values({ itemId: item.id, ...details })
      .run();
    return item;
  });
}

/** The author (or a facilitator) changes an event; returns the updated item. */
export function editEvent(db: Db, item: ItemRow, byActorId: number, form: EventForm): ItemRow {
  if (item.kind !== "event") throw new NotFoundError("That is not an event");
  const details = parseEventForm(form);
  return db.transaction((tx) => {
    const edited = editItem(tx as unknown as Db, item, byActorId, {
      title: form.title,
      body: form.body,
    });
    saveEventDetails(tx as unknown as Db, item.id, details);
    return edited;
  });
}

/** Stores or replaces an event's details (local edits and copies of remote events). */
export function saveEventDetails(db: Db, itemId: number, details: EventDetails): void {
  db.insert(events)
    .values({ itemId, ...details })
    .onConflictDoUpdate({ target: events.itemId, set: details })
    .run();
}

/** An event item's details, if it has any. */
export function getEventDetails(db: Db, itemId: number): EventRow | undefined {
  return db.select().from(events).where(eq(events.itemId, itemId)).get();
}

/** Whether an event is over: RSVPs are closed once it has ended. */
export function hasEnded(event: Pick<EventRow, "endsAt">, now = new Date()): boolean {
  return event.endsAt.getTime() <= now.getTime();
}

/** One line of a community's event list. */
export interface EventSummary {
  item: ItemRow;
  event: EventRow;
  author: ActorRow;
  going: number;
}

/** Which events a list shows: those still to come (or on now), or those that have ended. */
export type EventPeriod = "upcoming" | "past";

/**
 * A community's events, one page at a time: upcoming ones soonest first, past ones most
 * recent first, each with how many are going.
 */
export function listEvents(
  db: Db,
  groupId: number,
  options: { period: EventPeriod; page: number; pageSize: number; now?: Date },
): { events: EventSummary[]; total: number } {
  const now = options.now ?? new Date();
  const where = and(
    eq(itemGroups.groupId, groupId),
    eq(items.kind, "event"),
    isNull(items.deletedAt),
    isNull(items.removedAt),
    eq(items.status, "published"),
    options.period === "upcoming" ? gt(events.endsAt, now) : lte(events.endsAt, now),
  );
  const total =
    db
      .select({ n: count() })
      .from(items)
      .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
      .innerJoin(events, eq(events.itemId, items.id))
      .where(where)
      .get()?.n ?? 0;
  const going = sql<number>`(select count(*) from rsvps r
    where r.item_id = ${items.id} and r.status = 'going')`;
  const rows = db
    .select({ item: items, event: events, author: actors, going })
    .from(items)
    .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
    .innerJoin(events, eq(events.itemId, items.id))
    .innerJoin(actors, eq(actors.id, items.authorId))
    .where(where)
    .orderBy(
      options.period === "upcoming" ? asc(events.startsAt) : desc(events.startsAt),
      asc(items.id),
    )
    .limit(options.pageSize)
    .offset((Math.max(1, options.page) - 1) * options.pageSize)
    .all();
  return { total, events: rows };
}

/** Every live event of a community (for its calendar file), soonest first, up to `limit`. */
export function allEvents(db: Db, groupId: number, limit = 1000): EventSummary[] {
  const going = sql<number>`(select count(*) from rsvps r
    where r.item_id = ${items.id} and r.status = 'going')`;
  return db
    .select({ item: items, event: events, author: actors, going })
    .from(items)
    .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
    .innerJoin(events, eq(events.itemId, items.id))
    .innerJoin(actors, eq(actors.id, items.authorId))
    .where(
      and(
        eq(itemGroups.groupId, groupId),
        eq(items.kind, "event"),
        isNull(items.deletedAt),
        isNull(items.removedAt),
        eq(items.status, "published"),
      ),
    )
    .orderBy(asc(events.startsAt))
    .limit(limit)
    .all();
}

/**
 * Records someone's answer to an event, local or remote. Refused when the event has ended
 * (ConflictError) or the person may not see it (ForbiddenError).
 */
export function rsvp(
  db: Db,
  item: ItemRow,
  actor: ActorRow,
  status: RsvpStatus,
  options: { activityIri?: string | null; now?: Date } = {},
): RsvpRow {
  if (item.kind !== "event" || item.deletedAt) throw new NotFoundError("That event does not exist");
  const event = getEventDetails(db, item.id);
  if (!event) throw new NotFoundError("That event has no date yet");
  if (hasEnded(event, options.now)) {
    throw new ConflictError("This event has ended, so replies are closed");
  }
  if (!canView(db, item, actor.id)) {
    throw new ForbiddenError("Only members of the community can reply to this event");
  }
  if (isBannedFromItem(db, item, actor.id)) {
    throw new ForbiddenError("You have been banned from this event's community");
  }
  const values = {
    status,
    activityIri: options.activityIri ?? null,
    updatedAt: options.now ?? new Date(),
  };
  return db
    .insert(rsvps)
    .values({ itemId: item.id, actorId: actor.id, ...values })
    .onConflictDoUpdate({ target: [rsvps.itemId, rsvps.actorId], set: values })
    .returning()
    .get();
}

/** Someone's answer to an event, if they gave one. */
export function findRsvp(db: Db, itemId: number, actorId: number): RsvpRow | undefined {
  return db
    .select()
    .from(rsvps)
    .where(and(eq(rsvps.itemId, itemId), eq(rsvps.actorId, actorId)))
    .get();
}

/** The answer an activity (our Join or Leave, or a peer's) carried. */
export function findRsvpByActivity(db: Db, activityIri: string): RsvpRow | undefined {
  return db.select().from(rsvps).where(eq(rsvps.activityIri, activityIri)).get();
}

/** Forgets an answer, e.g. when the organiser's server refused it. */
export function removeRsvp(db: Db, id: number): void {
  db.delete(rsvps).where(eq(rsvps.id, id)).run();
}

/** An answer with the person who gave it. */
export interface Attendee {
  actor: ActorRow;
  rsvp: RsvpRow;
}

/** Who is going to an event (and who might be), local people first, then by name. */
export function attendeesOf(db: Db, itemId: number): { going: Attendee[]; maybe: Attendee[] } {
  const rows = db
    .select({ actor: actors, rsvp: rsvps })
    .from(rsvps)
    .innerJoin(actors, eq(actors.id, rsvps.actorId))
    .where(eq(rsvps.itemId, itemId))
    .orderBy(desc(actors.isLocal), asc(sql`lower(${actors.name})`))
    .all();
  return {
    going: rows.filter((r) => r.rsvp.status === "going"),
    maybe: rows.filter((r) => r.rsvp.status === "maybe"),
  };
}

/** An empty event form: London time, nothing else filled in. */
export function blankEventForm(): EventForm {
  const blank = { day: "", month: "", year: "", time: "" };
  return {
    title: "",
    body: "",
    start: { ...blank },
    end: { ...blank },
    timezone: DEFAULT_TIME_ZONE,
    locationName: "",
    locationAddress: "",
    onlineUrl: "",
    contact: "",
  };
}
