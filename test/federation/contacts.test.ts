import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import { findContact, listContactFollowers } from "../../src/domain/contacts.ts";
import {
  getPersonProfile,
  listPersonTags,
  updatePersonDetails,
} from "../../src/domain/person-details.ts";
import { addContact, decideContact, withdrawContact } from "../../src/federation/contacts.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { publishProfileUpdate } from "../../src/federation/profiles.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

const ACTIVITY_JSON = "application/activity+json";

function details(overrides: Partial<Parameters<typeof updatePersonDetails>[2]> = {}) {
  return {
    location: "Sunderland",
    email: "bob@sunderland.example",
    emailVisibility: "contacts",
    phone: "0191 496 0000",
    phoneVisibility: "members",
    website: "https://bob.example/",
    websiteVisibility: "public",
    expertise: "Flood risk, drainage",
    interests: "open data",
    serviceAreas: ["highways"],
    approveContacts: false,
    ...overrides,
  };
}

// Alice on Somerset adds Bob on Sunderland as a contact; Bob's profile travels as a Person
// with only its public contact details, expertise as Hashtags, and his photo as icon.
describe("contacts and profiles across instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;

  beforeAll(async () => {
    [somerset, sunderland] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
    ]);
    alice = await somerset.createUser("alice", { name: "Alice" });
    bob = await sunderland.createUser("bob", { name: "Bob" });
  });
  afterAll(() => Promise.all([somerset?.close(), sunderland?.close()]));

  it("never puts non-public contact details in the Person document", async () => {
    updatePersonDetails(sunderland.db, bob.actor.id, details());
    const response = await fetch(bob.actor.iri, { headers: { accept: ACTIVITY_JSON } });
    expect(response.status).toBe(200);
    const text = await response.text();
    const doc = JSON.parse(text);
    expect(text).not.toContain("bob@sunderland.example");
    expect(text).not.toContain("0191 496 0000");
    expect(text).toContain("https://bob.example/");
    const names = (doc.attachment as { name: string }[]).map((a) => a.name);
    expect(names).toEqual(
      expect.arrayContaining(["Website", "Location", "Expertise", "Interests"]),
    );
    expect(names).not.toContain("Email");
    const tags = ([] as { type: string; name: string }[]).concat(doc.tag ?? []);
    // Fedify writes the type as "as:Hashtag" in a Person (its context has no Hashtag term).
    expect(
      tags
        .filter((t) => /^(as:)?Hashtag$/.test(t.type))
        .map((t) => t.name)
        .sort(),
    ).toEqual(["#drainage", "#flood_risk", "#open_data"]);
  });

  it("adds a remote contact, is accepted, maps the profile back and withdraws", async () => {
    const bobOnSomerset = await resolveActor(somerset.ctx(), `@bob@${sunderland.host}`);
    // The remote copy holds what Bob made public, expertise included, for the people finder.
    expect(getPersonProfile(somerset.db, bobOnSomerset.id).website).toBe("https://bob.example/");
    expect(getPersonProfile(somerset.db, bobOnSomerset.id).email).toBe("");
    expect(listPersonTags(somerset.db, bobOnSomerset.id, "expertise")).toEqual([
      "drainage",
      "flood risk",
    ]);
    expect(listPersonTags(somerset.db, bobOnSomerset.id, "interest")).toEqual(["open data"]);

    const contact = await addContact(somerset.ctx(), alice.actor, bobOnSomerset);
    expect(contact.state).toBe("pending");
    await eventually(
      () => findContact(somerset.db, alice.actor.id, bobOnSomerset.id)?.state === "accepted",
    );
    const aliceOnSunderland = findActorByIri(sunderland.db, alice.actor.iri)!;
    expect(findContact(sunderland.db, aliceOnSunderland.id, bob.actor.id)?.state).toBe("accepted");
    expect(listContactFollowers(sunderland.db, bob.actor.id).map((p) => p.iri)).toEqual([
      alice.actor.iri,
    ]);

    // Bob changes his expertise; the Update sent to his contacts refreshes Somerset's copy.
    updatePersonDetails(sunderland.db, bob.actor.id, details({ expertise: "Bridges" }));
    await publishProfileUpdate(sunderland.ctx(), bob.actor);
    await eventually(
      () => listPersonTags(somerset.db, bobOnSomerset.id, "expertise")[0] === "bridges",
    );

    await withdrawContact(
      somerset.ctx(),
      findContact(somerset.db, alice.actor.id, bobOnSomerset.id)!,
    );
    await eventually(() => !findContact(sunderland.db, aliceOnSunderland.id, bob.actor.id));
  });

  it("keeps a request pending when the person approves contacts, then rejects it", async () => {
    updatePersonDetails(sunderland.db, bob.actor.id, details({ approveContacts: true }));
    const bobOnSomerset = await resolveActor(somerset.ctx(), `@bob@${sunderland.host}`);
    await addContact(somerset.ctx(), alice.actor, bobOnSomerset);
    const aliceOnSunderland = findActorByIri(sunderland.db, alice.actor.iri)!;
    await eventually(
      () => findContact(sunderland.db, aliceOnSunderland.id, bob.actor.id)?.state === "pending",
    );
    const request = findContact(sunderland.db, aliceOnSunderland.id, bob.actor.id)!;
    await decideContact(sunderland.ctx(), request, false);
    await eventually(() => !findContact(somerset.db, alice.actor.id, bobOnSomerset.id));
    expect(findContact(sunderland.db, aliceOnSunderland.id, bob.actor.id)).toBeUndefined();
  });
});
