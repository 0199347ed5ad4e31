import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findActorByIri } from "../../src/domain/actors.ts";
import { findContact } from "../../src/domain/contacts.ts";
import { conversationBetween, sendMessage } from "../../src/domain/messages.ts";
import { findPeople } from "../../src/domain/people-finder.ts";
import { updatePersonDetails } from "../../src/domain/person-details.ts";
import { addContact } from "../../src/federation/contacts.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { deliverMessage } from "../../src/federation/messages.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// The people journey end to end, across two real instances: someone on Sunderland
// is found on Somerset by their expertise, added as a contact, and the two write both ways.
describe("finding and talking to someone on another instance", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;

  beforeAll(async () => {
    [somerset, sunderland] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
    ]);
  });
  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close()]);
  });

  it("finds a remote person by expertise, adds them as a contact and messages both ways", async () => {
    const alice = await somerset.createUser("alice", { name: "Alice Adams" });
    const bob = await sunderland.createUser("bob", { name: "Bob Brown" });
    updatePersonDetails(sunderland.db, bob.actor.id, {
      location: "Sunderland",
      email: "",
      emailVisibility: "public",
      phone: "",
      phoneVisibility: "public",
      website: "",
      websiteVisibility: "public",
      expertise: "sustainable drainage, flood risk",
      interests: "allotments",
      serviceAreas: ["environmental-health"],
      approveContacts: false,
    });

    // Somerset learns of Bob by looking up his handle, as the people finder does.
    const bobOnSomerset = await resolveActor(somerset.ctx(), `@bob@${sunderland.host}`);
    const found = findPeople(somerset.db, "drainage");
    const match = found.find((p) => p.handle === "bob" && p.host === sunderland.host);
    expect(match, "Bob is found by his expertise").toBeDefined();
    expect(match!.reasons.map((r) => r.field)).toContain("expertise");

    // Alice adds Bob as a contact; Sunderland accepts it at once and tells Somerset.
    const contact = await addContact(somerset.ctx(), alice.actor, bobOnSomerset);
    await eventually(
      () => findContact(somerset.db, alice.actor.id, bobOnSomerset.id)?.state === "accepted",
    );
    const aliceOnSunderland = await eventually(() =>
      findActorByIri(sunderland.db, alice.actor.iri),
    );
    expect(findContact(sunderland.db, aliceOnSunderland.id, bob.actor.id)?.state).toBe("accepted");
    expect(contact.requestIri).toBeTruthy();

    // Alice writes to Bob, and Bob answers.
    const hello = sendMessage(somerset.db, somerset.origin, {
      sender: alice.actor,
      recipient: bobOnSomerset,
      body: "Could we compare drainage schemes?",
    });
    await deliverMessage(somerset.ctx(), hello);
    const received = await eventually(
      () => conversationBetween(sunderland.db, bob.actor.id, aliceOnSunderland.id)[0],
    );
    expect(received.bodyHtml).toContain("drainage schemes");
    const answer = sendMessage(sunderland.db, sunderland.origin, {
      sender: bob.actor,
      recipient: aliceOnSunderland,
      body: "Gladly, Thursday?",
      inReplyToIri: received.iri,
    });
    await deliverMessage(sunderland.ctx(), answer);
    const both = await eventually(() => {
      const rows = conversationBetween(somerset.db, alice.actor.id, bobOnSomerset.id);
      return rows.length === 2 ? rows : undefined;
    });
    expect(both.map((m) => m.bodyHtml).join(" ")).toContain("Thursday");
  });
});
