import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { ConflictError, ForbiddenError, ValidationError } from "../../src/domain/errors.ts";
import {
  attendeesOf,
  blankEventForm,
  composeEvent,
  type EventForm,
  editEvent,
  findRsvp,
  getEventDetails,
  listEvents,
  rsvp,
} from "../../src/domain/events/events.ts";
import {
  canonicalTimeZone,
  formatEventTimes,
  instantToLocalFields,
  parseTimeOfDay,
} from "../../src/domain/events/times.ts";
import { deleteItem, getItem } from "../../src/domain/items.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";

async function setUp() {
  const db = freshDb();
  const account = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
  const alice = await account("alice");
  const bob = await account("bob");
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle,
      description: "",
      visibility,
      ownerActorId: alice.actor.id,
    });
  return {
    db,
    alice,
    bob,
    garden: community("garden", "public"),
    vault: community("vault", "private"),
  };
}

/** A valid form for an event on a date, with optional overrides. */
function form(overrides: Partial<EventForm> = {}): EventForm {
  return {
    ...blankEventForm(),
    title: "Planning forum",
    body: "Bring your **plans**.",
    start: { day: "15", month: "7", year: "2031", time: "10am" },
    end: { day: "", month: "", year: "", time: "12:30pm" },
    locationName: "Council Chamber",
    locationAddress: "County Hall\nTaunton",
    ...overrides,
  };
}

/** The field errors a form produces (none when it is valid). */
async function fieldErrors(fields: Partial<EventForm>): Promise<Record<string, string>> {
  const { db, alice, garden } = await setUp();
  try {
    composeEvent(db, ORIGIN, { author: alice.actor, groups: [garden.actor], form: form(fields) });
    return {};
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return Object.fromEntries(error.errors.map((e) => [e.field, e.message]));
  }
}

describe("event times", () => {
  it("converts London wall times to UTC with daylight saving for the event's date", async () => {
    const { db, alice, garden } = await setUp();
    // Summer: BST is UTC+1, so 10am in London is 09:00 UTC.
    const summer = composeEvent(db, ORIGIN, {
      author: alice.actor,
      groups: [garden.actor],
      form: form(),
    });
    const summerDetails = getEventDetails(db, summer.id)!;
    expect(summerDetails.startsAt.toISOString()).toBe("2031-07-15T09:00:00.000Z");
    expect(summerDetails.endsAt.toISOString()).toBe("2031-07-15T11:30:00.000Z");
    expect(summerDetails.timezone).toBe("Europe/London");
    // Winter: GMT is UTC, so 10am is 10:00 UTC.
    const winter = composeEvent(db, ORIGIN, {
      author: alice.actor,
      groups: [garden.actor],
      form: form({ start: { day: "20", month: "1", year: "2031", time: "10:00" } }),
    });
    expect(getEventDetails(db, winter.id)!.startsAt.toISOString()).toBe("2031-01-20T10:00:00.000Z");
    // The day the clocks go forward (30 March 2031): 9am is already BST.
    const changeover = composeEvent(db, ORIGIN, {
      author: alice.actor,
      groups: [garden.actor],
      form: form({
        start: { day: "30", month: "3", year: "2031", time: "9am" },
        end: { day: "", month: "", year: "", time: "10am" },
      }),
    });
    expect(getEventDetails(db, changeover.id)!.startsAt.toISOString()).toBe(
      "2031-03-30T08:00:00.000Z",
    );
    // Another zone: 10am in New York in July is 14:00 UTC.
    const newYork = composeEvent(db, ORIGIN, {
      author: alice.actor,
      groups: [garden.actor],
      form: form({ timezone: "America/New_York" }),
    });
    expect(getEventDetails(db, newYork.id)!.startsAt.toISOString()).toBe(
      "2031-07-15T14:00:00.000Z",
    );
  });

  it("refuses a time skipped when the clocks go forward, and shows times in the event's zone", async () => {
    const errors = await fieldErrors({
      start: { day: "30", month: "3", year: "2031", time: "1:30am" },
      end: { day: "", month: "", year: "", time: "3am" },
    });
    expect(errors["start-time"]).toMatch(/does not exist/);
    const start = new Date("2031-07-15T09:00:00Z");
    const end = new Date("2031-07-15T11:30:00Z");
    expect(formatEventTimes(start, end, "Europe/London")).toBe(
      "Tuesday 15 July 2031, 10am to 12:30pm (BST)",
    );
    expect(instantToLocalFields(start, "Europe/London")).toEqual({
      day: "15",
      month: "7",
      year: "2031",
      time: "10:00",
    });
  });

  it("reads times as people write them", () => {
    const hm = (t: string) => {
      const parsed = parseTimeOfDay(t);
      return parsed ? [parsed.hour, parsed.minute] : null;
    };
    expect(hm("14:30")).toEqual([14, 30]);
    expect(hm("2:30pm")).toEqual([14, 30]);
    expect(hm("9am")).toEqual([9, 0]);
    expect(hm("12am")).toEqual([0, 0]);
    expect(hm("midday")).toEqual([12, 0]);
    expect(hm("25:00")).toBeNull();
    expect(hm("14")).toBeNull();
    expect(hm("13pm")).toBeNull();
  });

  it("knows IANA time zones and refuses the rest", () => {
    expect(canonicalTimeZone("Europe/London")).toBe("Europe/London");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("Mars/Olympus_Mons")).toBeNull();
    expect(canonicalTimeZone("+01:00")).toBeNull();
    expect(canonicalTimeZone("")).toBeNull();
  });
});

describe("event validation", () => {
  it("accepts a valid form", async () => {
    expect(await fieldErrors({})).toEqual({});
  });

  it("refuses an event that ends before it starts", async () => {
    const errors = await fieldErrors({
      start: { day: "15", month: "7", year: "2031", time: "3pm" },
      end: { day: "", month: "", year: "", time: "2pm" },
    });
    expect(errors["end-time"]).toBe("The end must be after the start");
    const otherDay = await fieldErrors({
      end: { day: "14", month: "7", year: "2031", time: "11am" },
    });
    expect(otherDay["end-day"]).toBe("The end must be after the start");
  });

  it("refuses an unknown time zone", async () => {
    const errors = await fieldErrors({ timezone: "Europe/Atlantis" });
    expect(errors.timezone).toBe("Select a time zone from the list");
  });

  it("refuses an empty title and reports every other problem at the same time", async () => {
    const errors = await fieldErrors({
      title: "   ",
      start: { day: "31", month: "2", year: "2031", time: "" },
      onlineUrl: "javascript:alert(1)",
    });
    expect(errors.title).toBe("Enter a title");
    expect(errors["start-day"]).toBe("Start date must be a real date");
    expect(errors["start-time"]).toBe("Enter the start time");
    expect(errors["online-url"]).toMatch(/full web address/);
  });

  it("refuses missing date parts with a message naming them", async () => {
    const errors = await fieldErrors({
      start: { day: "15", month: "", year: "", time: "10am" },
    });
    expect(errors["start-day"]).toBe("Start date must include a month and year");
  });

  it("lets only the organiser or a facilitator edit, with the same checks", async () => {
    const { db, alice, bob, garden } = await setUp();
    const item = composeEvent(db, ORIGIN, {
      author: alice.actor,
      groups: [garden.actor],
      form: form(),
    });
    expect(() => editEvent(db, item, bob.actor.id, form({ title: "Mine" }))).toThrow(
      ForbiddenError,
    );
    expect(() =>
      editEvent(db, item, alice.actor.id, form({ timezone: "Nowhere/Special" })),
    ).toThrow(ValidationError);
    const edited = editEvent(
      db,
      item,
      alice.actor.id,
      form({ title: "Planning forum (moved)", timezone: "Europe/Paris" }),
    );
    expect(edited.title).toBe("Planning forum (moved)");
    // 10am in Paris in July is 08:00 UTC.
    expect(getEventDetails(db, item.id)!.startsAt.toISOString()).toBe("2031-07-15T08:00:00.000Z");
  });
});

describe("listing and replying", () => {
  it("lists upcoming events soonest first and past ones latest first", async () => {
    const { db, alice, garden } = await setUp();
    const at = (title: string, day: string, year: string) =>
      composeEvent(db, ORIGIN, {
        author: alice.actor,
        groups: [garden.actor],
        form: form({ title, start: { day, month: "6", year, time: "10am" } }),
      });
    at("Later", "20", "2031");
    at("Sooner", "10", "2031");
    at("Long ago", "1", "2019");
    at("Less long ago", "1", "2020");
    const gone = at("Deleted", "11", "2031");
    deleteItem(db, gone, alice.actor.id);
    const page = { page: 1, pageSize: 10 };
    const upcoming = listEvents(db, garden.actor.id, { period: "upcoming", ...page });
    expect(upcoming.events.map((e) => e.item.title)).toEqual(["Sooner", "Later"]);
    expect(upcoming.total).toBe(2);
    const past = listEvents(db, garden.actor.id, { period: "past", ...page });
    expect(past.events.map((e) => e.item.title)).toEqual(["Less long ago", "Long ago"]);
  });

  it("records going and not going, and refuses replies to a past event", async () => {
    const { db, alice, bob, garden } = await setUp();
    const item = composeEvent(db, ORIGIN, {
      author: alice.actor,
      groups: [garden.actor],
      form: form(),
    });
    rsvp(db, item, bob.actor, "going");
    rsvp(db, item, alice.actor, "going");
    expect(
      attendeesOf(db, item.id)
        .going.map((a) => a.actor.handle)
        .sort(),
    ).toEqual(["alice", "bob"]);
    expect(
      listEvents(db, garden.actor.id, { period: "upcoming", page: 1, pageSize: 5 }).events[0]
        ?.going,
    ).toBe(2);
    rsvp(db, item, bob.actor, "not_going");
    expect(attendeesOf(db, item.id).going.map((a) => a.actor.handle)).toEqual(["alice"]);
    expect(findRsvp(db, item.id, bob.actor.id)?.status).toBe("not_going");

    const past = composeEvent(db, ORIGIN, {
      author: alice.actor,
      groups: [garden.actor],
      form: form({ start: { day: "1", month: "6", year: "2020", time: "10am" } }),
    });
    expect(() => rsvp(db, past, bob.actor, "going")).toThrow(ConflictError);
    expect(findRsvp(db, past.id, bob.actor.id)).toBeUndefined();
    // An event still on counts as upcoming and takes replies until it ends.
    const onNow = composeEvent(db, ORIGIN, {
      author: alice.actor,
      groups: [garden.actor],
      form: form({ start: { day: "15", month: "7", year: "2031", time: "10am" } }),
    });
    const duringIt = new Date("2031-07-15T10:00:00Z");
    expect(rsvp(db, onNow, bob.actor, "going", { now: duringIt }).status).toBe("going");
    expect(() =>
      rsvp(db, onNow, bob.actor, "going", { now: new Date("2031-07-15T11:30:00Z") }),
    ).toThrow(ConflictError);
  });

  it("keeps a private community's events from outsiders", async () => {
    const { db, alice, bob, vault } = await setUp();
    const item = composeEvent(db, ORIGIN, {
      author: alice.actor,
      groups: [vault.actor],
      form: form(),
    });
    expect(getItem(db, item.id)?.visibility).toBe("members");
    expect(() => rsvp(db, item, bob.actor, "going")).toThrow(ForbiddenError);
    expect(() =>
      composeEvent(db, ORIGIN, { author: bob.actor, groups: [vault.actor], form: form() }),
    ).toThrow(ForbiddenError);
  });
});
