import type { Context } from "hono";
import {
  blankEventForm,
  type EventForm,
  type EventRow,
  getEventDetails,
} from "../../domain/events/events.ts";
import { instantToLocalFields } from "../../domain/events/times.ts";
import type { ItemRow } from "../../domain/items.ts";
import { type CommunityAccess, itemIn, readableSection } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { NotFoundPage } from "../views/errors.tsx";

type C = Context<AppEnv>;

/** Resolves the community and checks the viewer may read its events (see readableSection). */
export function readableCommunity(c: C): CommunityAccess | Promise<Response> {
  return readableSection(c, "events");
}

/** The event the path names, if it belongs to this community and the viewer may see it. */
export function eventIn(
  c: C,
  access: CommunityAccess,
): { item: ItemRow; event: EventRow } | undefined {
  const item = itemIn(c, access, "event");
  if (!item) return undefined;
  const event = getEventDetails(c.get("deps").db, item.id);
  return event ? { item, event } : undefined;
}

/** The 404 page for an event that does not exist (or that the viewer may not know about). */
export function eventNotFound(c: C) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="That event does not exist, or was deleted." />,
    404,
  );
}

/** Reads the event form's fields as typed. */
export function eventFormFrom(f: Record<string, string>): EventForm {
  const get = (name: string) => f[name] ?? "";
  return {
    title: get("title"),
    body: get("body"),
    start: {
      day: get("start-day"),
      month: get("start-month"),
      year: get("start-year"),
      time: get("start-time"),
    },
    end: {
      day: get("end-day"),
      month: get("end-month"),
      year: get("end-year"),
      time: get("end-time"),
    },
    timezone: get("timezone"),
    locationName: get("location-name"),
    locationAddress: get("location-address"),
    onlineUrl: get("online-url"),
    contact: get("contact"),
  };
}

/** An existing event as its form would show it, times in the event's own zone. */
export function eventFormOf(item: ItemRow, event: EventRow): EventForm {
  return {
    ...blankEventForm(),
    title: item.title,
    body: item.bodySource ?? "",
    start: instantToLocalFields(event.startsAt, event.timezone),
    end: instantToLocalFields(event.endsAt, event.timezone),
    timezone: event.timezone,
    locationName: event.locationName,
    locationAddress: event.locationAddress,
    onlineUrl: event.onlineUrl ?? "",
    contact: event.contact,
  };
}
