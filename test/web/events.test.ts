import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCommunity } from "../../src/domain/communities.ts";
import { attendeesOf, getEventDetails, listEvents } from "../../src/domain/events/events.ts";
import { getItem } from "../../src/domain/items.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

/** The event form's fields for an event on a day, with optional overrides. */
function eventFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    title: "Highways forum",
    body: "Agenda: **gritting** <script>alert(1)</script>",
    "start-day": "15",
    "start-month": "7",
    "start-year": "2031",
    "start-time": "10am",
    "end-day": "",
    "end-month": "",
    "end-year": "",
    "end-time": "12:30pm",
    timezone: "Europe/London",
    "location-name": "Council Chamber",
    "location-address": "County Hall\nTaunton TA1 4DY",
    "online-url": "https://meet.example.org/highways",
    contact: "highways@somerset.example",
    ...overrides,
  };
}

describe("the events pages", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let eve: WebClient;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  async function addEvent(
    web: WebClient,
    community: string,
    overrides: Record<string, string> = {},
  ): Promise<{ path: string; id: number }> {
    const { response } = await web.post(`/c/${community}/events/new`, eventFields(overrides));
    expect(response.status).toBe(303);
    const path = response.headers.get("location")!;
    expect(path).toMatch(new RegExp(`^/c/${community}/events/\\d+$`));
    return { path, id: Number(path.split("/").pop()) };
  }

  beforeAll(async () => {
    copse = await startTestInstance("Events");
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    await copse.createUser("eve");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    eve = await signedIn("eve");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("adds an event and shows it in London time with its place and contact", async () => {
    const form = await bob.get("/c/garden/events/new");
    expect(form.response.status).toBe(200);
    expect(form.body).toContain('<option value="Europe/London" selected="">');
    const { path, id } = await addEvent(bob, "garden");
    const page = await alice.get(path);
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("Highways forum");
    // 10am to 12:30pm on a July day is British Summer Time.
    expect(page.body).toContain("Tuesday 15 July 2031, 10am to 12:30pm (BST)");
    expect(page.body).toContain("Council Chamber");
    expect(page.body).toContain("Taunton TA1 4DY");
    expect(page.body).toContain('href="https://meet.example.org/highways"');
    expect(page.body).toContain("highways@somerset.example");
    expect(page.body).toContain("<strong>gritting</strong>");
    expect(page.body).not.toContain("<script>alert(1)</script>");
    const details = getEventDetails(copse.db, id)!;
    expect(details.startsAt.toISOString()).toBe("2031-07-15T09:00:00.000Z");
    const list = await alice.get("/c/garden/events");
    expect(list.body).toContain(`href="/c/garden/events/${id}"`);
    const home = await alice.get("/c/garden");
    expect(home.body).toContain('href="/c/garden/events"');
  });

  it("refuses bad input with every problem listed and the answers kept", async () => {
    const garden = findCommunity(copse.db, "garden")!;
    const count = () =>
      listEvents(copse.db, garden.actor.id, { period: "upcoming", page: 1, pageSize: 100 }).total;
    const before = count();
    const { response, body } = await bob.post(
      "/c/garden/events/new",
      eventFields({
        title: "",
        "start-time": "3pm",
        "end-time": "2pm",
        timezone: "Europe/Atlantis",
        "online-url": "ftp://files.example.org",
      }),
    );
    expect(response.status).toBe(422);
    expect(body).toContain("There is a problem");
    expect(body).toContain('href="#title"');
    expect(body).toContain("Enter a title");
    expect(body).toContain("Select a time zone from the list");
    expect(body).toContain("Enter the online link as a full web address");
    // The times are checked once the zone is known, so fix the zone and the order shows.
    const order = await bob.post(
      "/c/garden/events/new",
      eventFields({ "start-time": "3pm", "end-time": "2pm" }),
    );
    expect(order.response.status).toBe(422);
    expect(order.body).toContain('href="#end-time"');
    expect(order.body).toContain("The end must be after the start");
    // What was typed is kept.
    expect(order.body).toContain('value="3pm"');
    expect(order.body).toContain("Council Chamber");
    expect(count()).toBe(before);
  });

  it("takes RSVPs, lists who is going and refuses replies to past events", async () => {
    const { path, id } = await addEvent(alice, "garden", { title: "Depot visit" });
    const going = await bob.post(`${path}/rsvp`, { status: "going" });
    expect(going.response.status).toBe(303);
    expect((await eve.post(`${path}/rsvp`, { status: "going" })).response.status).toBe(303);
    const page = await alice.get(path);
    expect(page.body).toContain("Who is going (2)");
    expect(page.body).toContain('href="/people/bob"');
    expect(page.body).toContain('href="/people/eve"');
    expect((await bob.get(path)).body).toContain("You said you are going.");
    await eve.post(`${path}/rsvp`, { status: "not_going" });
    expect(attendeesOf(copse.db, id).going.map((a) => a.actor.handle)).toEqual(["bob"]);
    expect((await alice.get(path)).body).toContain("Who is going (1)");
    const list = await alice.get("/c/garden/events");
    expect(list.body).toMatch(
      /Depot visit<\/a><\/td><td[^>]*>[^<]*<\/td><td[^>]*>[^<]*<\/td><td[^>]*>1<\/td>/,
    );

    const past = await addEvent(alice, "garden", {
      title: "Last year's forum",
      "start-day": "1",
      "start-month": "6",
      "start-year": "2020",
    });
    const refused = await bob.post(`${past.path}/rsvp`, { status: "going" });
    expect(refused.response.status).toBe(409);
    expect(refused.body).toContain("This event has ended, so replies are closed");
    expect(attendeesOf(copse.db, past.id).going).toHaveLength(0);
    expect((await bob.get(past.path)).body).not.toContain(`action="${past.path}/rsvp"`);
    // Past events are on the "Past" list, not the upcoming one.
    const upcoming = await bob.get("/c/garden/events");
    expect(upcoming.body).not.toContain("Last year&#39;s forum");
    const pastList = await bob.get("/c/garden/events?show=past");
    expect(pastList.body).toContain("Last year&#39;s forum");
    expect(pastList.body).toContain('aria-current="page"');
  });

  it("downloads one event or the whole calendar as iCalendar", async () => {
    const { path, id } = await addEvent(alice, "garden", {
      title: "Budget; planning, review",
    });
    const one = await bob.get(`${path}/event.ics`);
    expect(one.response.status).toBe(200);
    expect(one.response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(one.response.headers.get("content-disposition")).toBe(
      `attachment; filename="event-${id}.ics"`,
    );
    expect(one.body.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(one.body).toContain("SUMMARY:Budget\\; planning\\, review\r\n");
    expect(one.body).toContain("DTSTART:20310715T090000Z\r\n");
    expect(one.body).toContain(`UID:${getItem(copse.db, id)!.iri}`);
    expect(one.body.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    const all = await bob.get("/c/garden/events.ics");
    expect(all.response.status).toBe(200);
    expect(all.response.headers.get("content-disposition")).toContain("garden-events.ics");
    expect(all.body).toContain("Budget\\; planning\\, review");
    expect(all.body).toContain("SUMMARY:Depot visit");
    expect((all.body.match(/BEGIN:VEVENT/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  it("lets the organiser and facilitators change or delete an event, and nobody else", async () => {
    const { path, id } = await addEvent(bob, "garden", { title: "Bob's meetup" });
    const refused = await eve.post(`${path}/edit`, eventFields({ title: "Eve's now" }));
    expect(refused.response.status).toBe(403);
    expect((await eve.post(`${path}/delete`, {})).response.status).toBe(403);
    const form = await bob.get(`${path}/edit`);
    expect(form.body).toContain('value="10:00"');
    const edited = await bob.post(
      `${path}/edit`,
      eventFields({ title: "Bob's meetup (moved)", "start-time": "11am", "end-time": "1pm" }),
    );
    expect(edited.response.status).toBe(303);
    expect(getItem(copse.db, id)?.title).toBe("Bob's meetup (moved)");
    expect(getEventDetails(copse.db, id)?.startsAt.toISOString()).toBe("2031-07-15T10:00:00.000Z");
    const bad = await bob.post(`${path}/edit`, eventFields({ timezone: "Nowhere" }));
    expect(bad.response.status).toBe(422);
    // Alice facilitates the community, so she may delete it.
    expect((await alice.get(`${path}/delete`)).body).toContain("Delete event");
    expect((await alice.post(`${path}/delete`, {})).response.status).toBe(303);
    expect(getItem(copse.db, id)?.deletedAt).not.toBeNull();
    expect((await bob.get(path)).response.status).toBe(404);
  });

  it("keeps a private community's events, calendar and replies from outsiders", async () => {
    const { path } = await addEvent(alice, "vault", { title: "Restructure briefing" });
    for (const url of ["/c/vault/events", path, `${path}/event.ics`, "/c/vault/events.ics"]) {
      const outsider = await bob.get(url);
      expect(outsider.response.status, url).toBe(403);
      expect(outsider.body).not.toContain("Restructure briefing");
      const anonymous = await new WebClient(copse.origin).get(url);
      expect(anonymous.response.status, url).toBe(403);
    }
    expect((await bob.post(`${path}/rsvp`, { status: "going" })).response.status).toBe(403);
    expect((await bob.post("/c/vault/events/new", eventFields())).response.status).toBe(403);
    const member = await alice.get("/c/vault/events.ics");
    expect(member.body).toContain("SUMMARY:Restructure briefing");
  });
});
