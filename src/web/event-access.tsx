import type { Context } from "hono";
import { instantToLocalFields } from "../domain/event-times.ts";
import {
  blankEventForm,
  type EventForm,
  type EventRow,
  getEventDetails,
} from "../domain/events.ts";
import { canView, getItem, groupsOfItem, type ItemRow } from "../domain/items.ts";
import {
  type CommunityAccess,
  communityAccess,
  communityNotFound,
  membersOnly,
  sectionOff,
} from "./community-access.tsx";
import type { AppEnv } from "./env.ts";
import { pageContext, render } from "./render.ts";
import { NotFoundPage } from "./views/errors.tsx";

type C = Context<AppEnv>;

/**
 * Resolves the community and checks the viewer may read its events, or answers with the right
 * page: 404 for no community (or events switched off), 403 for a private one's outsiders.
 */
export function readableCommunity(c: C): CommunityAccess | Promise<Response> {
  const access = communityAccess(c);
  if (!access) return communityNotFound(c);
  if (!access.canRead) return membersOnly(c, access);
  return sectionOff(c, access, "events") ?? access;
}

/** The event the path names, if it belongs to this community and the viewer may see it. */
export function eventIn(
  c: C,
  access: CommunityAccess,
): { item: ItemRow; event: EventRow } | undefined {
  const { db } = c.get("deps");
  const id = Number(c.req.param("id"));
  const item = Number.isInteger(id) ? getItem(db, id) : undefined;
  if (item?.kind !== "event" || item.deletedAt) return undefined;
  if (!groupsOfItem(db, item.id).some((g) => g.id === access.group.id)) return undefined;
  if (!canView(db, item, c.get("account")?.actor.id)) return undefined;
  const event = getEventDetails(db, item.id);
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
