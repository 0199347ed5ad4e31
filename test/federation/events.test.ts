import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, findActorByIri } from "../../src/domain/actors.ts";
import {
  attendeesOf,
  blankEventForm,
  composeEvent,
  type EventForm,
  editEvent,
  findRsvp,
  getEventDetails,
  saveEventDetails,
} from "../../src/domain/events/events.ts";
import { deleteItem, findItemByIri, getItem, type ItemRow } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { answerEvent } from "../../src/federation/events.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { decideRequest, joinCommunity } from "../../src/federation/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { WebClient } from "../helpers/client.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import {
  eventually,
  startTestInstance,
  TEST_PASSWORD,
  type TestInstance,
} from "../helpers/instances.ts";

const AS = "https://www.w3.org/ns/activitystreams";

/** An event form for a July day far enough ahead to stay upcoming. */
function eventForm(title: string, overrides: Partial<EventForm> = {}): EventForm {
  return {
    ...blankEventForm(),
    title,
    body: "All **welcome**.",
    start: { day: "15", month: "7", year: "2031", time: "10am" },
    end: { day: "", month: "", year: "", time: "12:30pm" },
    timezone: "Europe/Paris",
    locationName: "Salle du conseil",
    locationAddress: "1 Place de la Mairie\nParis",
    onlineUrl: "https://meet.example.org/forum",
    contact: "events@somerset.example",
    ...overrides,
  };
}

/** The going list of an event on an instance, as actor ids. */
function goingOn(instance: TestInstance, item: ItemRow): string[] {
  return attendeesOf(instance.db, item.id)
    .going.map((a) => a.actor.iri)
    .sort();
}

// Somerset (A) hosts the community and the events; Bob on Sunderland (B) and Carol on Cardiff
// (C) are members who reply from their own servers; a fake Mastodon-like server answers the
// way Friendica does, with Accept of the Event itself.
describe("events across instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let cardiff: TestInstance;
  let peer: FakePeer;
  let mo: FakeActor;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let carol: AccountWithActor;
  let garden: ActorRow;
  let vault: ActorRow;

  /** Alice adds an event on Somerset and waits for Bob's and Carol's servers to hold it. */
  async function publishEvent(
    title: string,
    overrides: Partial<EventForm> = {},
    community = garden,
  ): Promise<{ onA: ItemRow; onB: ItemRow; onC: ItemRow }> {
    const onA = composeEvent(somerset.db, somerset.origin, {
      author: alice.actor,
      groups: [community],
      form: eventForm(title, overrides),
    });
    await publishItemChange(somerset.ctx(), onA, "create");
    const onB = await eventually(() => {
      const item = findItemByIri(sunderland.db, onA.iri);
      return item && getEventDetails(sunderland.db, item.id) ? item : undefined;
    });
    const onC = await eventually(() => {
      const item = findItemByIri(cardiff.db, onA.iri);
      return item && getEventDetails(cardiff.db, item.id) ? item : undefined;
    });
    return { onA, onB, onC };
  }

  beforeAll(async () => {
    [somerset, sunderland, cardiff, peer] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
      startTestInstance("Cardiff"),
      startFakePeer(),
    ]);
    mo = await peer.addActor({ path: "/users/mo", type: "Person", preferredUsername: "mo" });
    alice = await somerset.createUser("alice");
    bob = await sunderland.createUser("bob");
    carol = await cardiff.createUser("carol");
    garden = somerset.createCommunity("garden", alice, "public").actor;
    vault = somerset.createCommunity("vault", alice, "private").actor;
    for (const [instance, who] of [
      [sunderland, bob],
      [cardiff, carol],
    ] as const) {
      for (const handle of ["garden", "vault"]) {
        const group = await resolveActor(instance.ctx(), `@${handle}@${somerset.host}`);
        await joinCommunity(instance.ctx(), who.actor, group);
        if (handle === "vault") {
          // A facilitator lets them into the private community.
          const remote = await eventually(() => findActorByIri(somerset.db, who.actor.iri));
          await eventually(
            () => findMembership(somerset.db, vault.id, remote.id)?.state === "pending",
          );
          await decideRequest(somerset.ctx(), {
            group: vault,
            member: remote,
            byActorId: alice.actor.id,
            approve: true,
          });
        }
        await eventually(
          () => findMembership(instance.db, group.id, who.actor.id)?.state === "active",
        );
      }
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close(), cardiff?.close(), peer?.close()]);
  });

  it("shares the event with its time zone, place, online link and contact (FEP-8a8e)", async () => {
    const { onA, onB, onC } = await publishEvent("Planning forum");
    for (const [instance, copy] of [
      [sunderland, onB],
      [cardiff, onC],
    ] as const) {
      expect(copy.kind).toBe("event");
      expect(copy.title).toBe("Planning forum");
      expect(copy.bodyHtml).toContain("<strong>welcome</strong>");
      const details = getEventDetails(instance.db, copy.id)!;
      // 10am in Paris in July is 08:00 UTC.
      expect(details.startsAt.toISOString()).toBe("2031-07-15T08:00:00.000Z");
      expect(details.endsAt.toISOString()).toBe("2031-07-15T10:30:00.000Z");
      expect(details.timezone).toBe("Europe/Paris");
      expect(details.locationName).toBe("Salle du conseil");
      expect(details.locationAddress).toBe("1 Place de la Mairie\nParis");
      expect(details.onlineUrl).toBe("https://meet.example.org/forum");
      expect(details.contact).toBe("events@somerset.example");
    }
    // The object served at the event's id carries the FEP-8a8e terms.
    const response = await fetch(onA.iri, { headers: { accept: "application/activity+json" } });
    expect(response.status).toBe(200);
    const json = await response.json();
    expect(json.type).toBe("Event");
    expect(json.name).toBe("Planning forum");
    expect(json.startTime).toBe("2031-07-15T08:00:00Z");
    expect(json.timezone).toBe("Europe/Paris");
    expect(json.location).toEqual([
      { type: "Place", name: "Salle du conseil", address: "1 Place de la Mairie\nParis" },
      { type: "VirtualLocation", name: "Online", url: "https://meet.example.org/forum" },
    ]);
    expect(json.attributedTo).toBe(alice.actor.iri);
    expect(json.audience).toBe(garden.iri);

    // The organiser moves it online and an hour later; then cancels it.
    const moved = editEvent(
      somerset.db,
      onA,
      alice.actor.id,
      eventForm("Planning forum (online)", {
        start: { day: "15", month: "7", year: "2031", time: "11am" },
        locationName: "",
        locationAddress: "",
      }),
    );
    await publishItemChange(somerset.ctx(), moved, "update");
    for (const [instance, copy] of [
      [sunderland, onB],
      [cardiff, onC],
    ] as const) {
      await eventually(
        () => findItemByIri(instance.db, onA.iri)?.title === "Planning forum (online)",
      );
      const details = getEventDetails(instance.db, copy.id)!;
      expect(details.startsAt.toISOString()).toBe("2031-07-15T09:00:00.000Z");
      expect(details.locationName).toBe("");
      expect(details.onlineUrl).toBe("https://meet.example.org/forum");
    }
    const deleted = deleteItem(somerset.db, getItem(somerset.db, onA.id)!, alice.actor.id);
    await publishItemChange(somerset.ctx(), deleted, "delete");
    await eventually(() => findItemByIri(sunderland.db, onA.iri)?.deletedAt);
    await eventually(() => findItemByIri(cardiff.db, onA.iri)?.deletedAt);
  });

  it("shares a private community's event in full with members' servers only", async () => {
    const { onA, onB } = await publishEvent("Restructure briefing", {}, vault);
    expect(onB.visibility).toBe("members");
    // Sunderland fetched the full document with a signed request, so the zone came through.
    expect(getEventDetails(sunderland.db, onB.id)?.timezone).toBe("Europe/Paris");
    expect(getEventDetails(sunderland.db, onB.id)?.contact).toBe("events@somerset.example");
    const anonymous = await fetch(onA.iri, { headers: { accept: "application/activity+json" } });
    expect(anonymous.status).toBe(401);
    const outsider = await peer.get(onA.iri, { as: mo.path });
    expect(outsider.status).toBe(401);
    await answerEvent(sunderland.ctx(), onB, bob.actor, "going");
    await eventually(() => goingOn(somerset, onA).includes(bob.actor.iri));
  });

  it("counts RSVPs sent as Join from two instances, and drops them on Leave", async () => {
    const { onA, onB, onC } = await publishEvent("Depot visit");
    // Bob answers on his own server's page for the event; Carol's server is called directly.
    const web = new WebClient(sunderland.origin);
    await web.post("/signin", { login: "bob", password: TEST_PASSWORD });
    const bobsPage = `/c/${encodeURIComponent(`garden@${somerset.host}`)}/events/${onB.id}`;
    expect((await web.get(bobsPage)).body).toContain(
      "Tuesday 15 July 2031, 10am to 12:30pm (CEST)",
    );
    expect((await web.post(`${bobsPage}/rsvp`, { status: "going" })).response.status).toBe(303);
    await answerEvent(cardiff.ctx(), onC, carol.actor, "going");
    await eventually(() => goingOn(somerset, onA).length === 2);
    expect(goingOn(somerset, onA)).toEqual([bob.actor.iri, carol.actor.iri].sort());
    // Somerset's page shows both, with their instances.
    const page = await (await fetch(`${somerset.origin}/c/garden/events/${onA.id}`)).text();
    expect(page).toContain(`Bob (${sunderland.host})`);
    expect(page).toContain(`Carol (${cardiff.host})`);
    // Somerset accepted the Joins, so Bob's own server still counts him.
    await new Promise((r) => setTimeout(r, 300));
    expect(findRsvp(sunderland.db, onB.id, bob.actor.id)?.status).toBe("going");

    await answerEvent(sunderland.ctx(), onB, bob.actor, "not_going");
    await eventually(() => goingOn(somerset, onA).length === 1);
    expect(goingOn(somerset, onA)).toEqual([carol.actor.iri]);
  });

  it("answers a Join from another server with Accept{Join}", async () => {
    const { onA } = await publishEvent("Open day");
    const joinId = peer.url("/activities/join-open-day");
    const response = await peer.deliver(
      `${somerset.origin}/ap/inbox`,
      { "@context": AS, id: joinId, type: "Join", actor: mo.id, object: onA.iri },
      { as: mo.path },
    );
    expect(response.status).toBeLessThan(300);
    const accept = await eventually(() =>
      peer.activities("Accept").find((a) => (a.body.object?.id ?? a.body.object) === joinId),
    );
    expect(accept.body.actor).toBe(alice.actor.iri);
    expect(accept.signer).toBe(`${alice.actor.iri}#main-key`);
    expect(goingOn(somerset, onA)).toEqual([mo.id]);
  });

  it("counts a Mastodon-like Accept of the Event as going, and a Reject as not going", async () => {
    const { onA } = await publishEvent("Networking lunch");
    await peer.deliver(
      `${somerset.origin}/ap/inbox`,
      {
        "@context": AS,
        id: peer.url("/activities/accept-lunch"),
        type: "Accept",
        actor: mo.id,
        object: onA.iri,
      },
      { as: mo.path },
    );
    await eventually(() => goingOn(somerset, onA).includes(mo.id));
    const page = await (await fetch(`${somerset.origin}/c/garden/events/${onA.id}`)).text();
    expect(page).toContain(`(${peer.host})`);
    // An Accept of an event is not a membership answer: nothing changed in the community.
    const moOnA = findActorByIri(somerset.db, mo.id)!;
    expect(findMembership(somerset.db, garden.id, moOnA.id)).toBeUndefined();

    await peer.deliver(
      `${somerset.origin}/ap/inbox`,
      {
        "@context": AS,
        id: peer.url("/activities/reject-lunch"),
        type: "Reject",
        actor: mo.id,
        object: onA.iri,
      },
      { as: mo.path },
    );
    await eventually(() => findRsvp(somerset.db, onA.id, moOnA.id)?.status === "not_going");
    expect(goingOn(somerset, onA)).toEqual([]);
  });

  it("rejects an RSVP to an event that has ended, and the replier's server drops it", async () => {
    const { onA, onB } = await publishEvent("Spring conference");
    // Time passes on Somerset: the event is over there before Sunderland hears of it.
    const details = getEventDetails(somerset.db, onA.id)!;
    saveEventDetails(somerset.db, onA.id, {
      ...details,
      startsAt: new Date("2020-03-01T09:00:00Z"),
      endsAt: new Date("2020-03-01T17:00:00Z"),
    });
    await answerEvent(sunderland.ctx(), onB, bob.actor, "going");
    expect(findRsvp(sunderland.db, onB.id, bob.actor.id)?.status).toBe("going");
    await eventually(() => findRsvp(sunderland.db, onB.id, bob.actor.id) === undefined);
    expect(goingOn(somerset, onA)).toEqual([]);

    // A foreign server's Join gets the Reject too, naming its Join.
    const joinId = peer.url("/activities/join-spring");
    await peer.deliver(
      `${somerset.origin}/ap/inbox`,
      { "@context": AS, id: joinId, type: "Join", actor: mo.id, object: onA.iri },
      { as: mo.path },
    );
    const reject = await eventually(() =>
      peer.activities("Reject").find((a) => (a.body.object?.id ?? a.body.object) === joinId),
    );
    expect(reject.body.actor).toBe(alice.actor.iri);
    expect(goingOn(somerset, onA)).toEqual([]);
  });
});
