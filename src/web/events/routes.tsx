import { type Context, Hono } from "hono";
import { getActor } from "../../domain/actors.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../../domain/errors.ts";
import { calendarEntry } from "../../domain/events/calendar.ts";
import {
  allEvents,
  attendeesOf,
  type EventPeriod,
  type EventRow,
  findRsvp,
  hasEnded,
  listEvents,
} from "../../domain/events/events.ts";
import { writeCalendar } from "../../domain/ical.ts";
import { canModerate, canView, type ItemRow } from "../../domain/items.ts";
import { answerEvent } from "../../federation/events.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { CommunityAccess } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { itemCommentsData } from "../routes/item-comments.tsx";
import { ForbiddenPage } from "../views/errors.tsx";
import { itemTagsData } from "../views/tags.tsx";
import { eventIn, eventNotFound, readableCommunity } from "./access.tsx";
import { eventEditingRoutes } from "./editing-routes.tsx";
import { EventPage, EventsPage } from "./views/events-page.tsx";

type C = Context<AppEnv>;

const PAGE_SIZE = 20;

/** Answers with an iCalendar file to download. */
function calendarResponse(c: C, body: string, fileName: string): Response {
  return c.body(body, 200, {
    "Content-Type": "text/calendar; charset=utf-8",
    "Content-Disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9_.-]/g, "_")}"`,
    // Private communities' calendars are per member: never kept by shared caches.
    "Cache-Control": "private, no-cache",
  });
}

/** Renders an event's page, optionally with a notice saying why the last action failed. */
function showEvent(
  c: C,
  access: CommunityAccess,
  found: { item: ItemRow; event: EventRow },
  status: 200 | 400 | 409 = 200,
  notice?: string,
) {
  const { db } = c.get("deps");
  const viewer = c.get("account")?.actor;
  const { item, event } = found;
  return render(
    c,
    <EventPage
      ctx={pageContext(c)}
      access={access}
      item={item}
      event={event}
      organiser={getActor(db, item.authorId)}
      attendees={attendeesOf(db, item.id)}
      mine={viewer ? findRsvp(db, item.id, viewer.id) : undefined}
      ended={hasEnded(event)}
      mayReply={viewer !== undefined && canView(db, item, viewer.id)}
      mayModerate={viewer !== undefined && item.isLocal && canModerate(db, item, viewer.id)}
      notice={notice}
      tags={itemTagsData(db, item, viewer?.id)}
      comments={itemCommentsData(c, access, item)}
    />,
    status,
  );
}

/** A community's events: list, calendar files, one event, and replies (RSVP). */
export function eventRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/c/:ref/events", (c) => {
    const access = readableCommunity(c);
    if (access instanceof Promise) return access;
    const period: EventPeriod = c.req.query("show") === "past" ? "past" : "upcoming";
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const { events, total } = listEvents(c.get("deps").db, access.group.id, {
      period,
      page,
      pageSize: PAGE_SIZE,
    });
    return render(
      c,
      <EventsPage
        ctx={pageContext(c)}
        access={access}
        period={period}
        events={events}
        total={total}
        page={page}
        pageSize={PAGE_SIZE}
      />,
    );
  });

  app.get("/c/:ref/events.ics", (c) => {
    const access = readableCommunity(c);
    if (access instanceof Promise) return access;
    const { db, config } = c.get("deps");
    const entries = allEvents(db, access.group.id).map(({ item, event }) =>
      calendarEntry(item, event, new URL(`${access.path}/events/${item.id}`, config.origin).href),
    );
    const body = writeCalendar({ name: `${access.group.name} events`, events: entries });
    return calendarResponse(c, body, `${access.group.handle}-events.ics`);
  });

  app.get("/c/:ref/events/:id{[0-9]+}", (c) => {
    const access = readableCommunity(c);
    if (access instanceof Promise) return access;
    const found = eventIn(c, access);
    if (!found) return eventNotFound(c);
    return showEvent(c, access, found);
  });

  app.get("/c/:ref/events/:id{[0-9]+}/event.ics", (c) => {
    const access = readableCommunity(c);
    if (access instanceof Promise) return access;
    const found = eventIn(c, access);
    if (!found) return eventNotFound(c);
    const { item, event } = found;
    const pageUrl = new URL(`${access.path}/events/${item.id}`, c.get("deps").config.origin).href;
    const body = writeCalendar({ events: [calendarEntry(item, event, pageUrl)] });
    return calendarResponse(c, body, `event-${item.id}.ics`);
  });

  app.post("/c/:ref/events/:id{[0-9]+}/rsvp", requireSignIn(), async (c) => {
    const access = readableCommunity(c);
    if (access instanceof Promise) return access;
    const found = eventIn(c, access);
    if (!found) return eventNotFound(c);
    const { status } = await formFields(c);
    if (status !== "going" && status !== "not_going") {
      return showEvent(c, access, found, 400, "Choose Going or Not going.");
    }
    try {
      await answerEvent(federationContext(c), found.item, c.get("account")!.actor, status);
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NotFoundError) {
        return showEvent(c, access, found, 409, error.message);
      }
      if (error instanceof ForbiddenError) {
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      }
      throw error;
    }
    setFlash(c, status === "going" ? "You are going to this event." : "You are not going.");
    return c.redirect(`${access.path}/events/${found.item.id}`, 303);
  });

  app.route("/", eventEditingRoutes());
  return app;
}
