import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import {
  acceptContact,
  canSeeContactField,
  listContactFollowers,
  listContactsOf,
  requestContact,
} from "../../src/domain/contacts.ts";
import { ConflictError, ValidationError } from "../../src/domain/errors.ts";
import { decideMembership, leaveGroup, requestMembership } from "../../src/domain/membership.ts";
import {
  type ContactVisibility,
  getPersonProfile,
  listPersonTags,
  parseTagList,
  updatePersonDetails,
} from "../../src/domain/person-details.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";

async function setUp() {
  const db = freshDb();
  const person = async (handle: string) =>
    (
      await createAccount(db, ORIGIN, {
        handle,
        email: `${handle}@council.example`,
        password: "correct horse battery",
      })
    ).actor;
  const owner = await person("owner");
  const stranger = await person("stranger");
  const comember = await person("comember");
  const contact = await person("contact");
  const garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "private",
    ownerActorId: owner.id,
  });
  return { db, owner, stranger, comember, contact, garden, person };
}

describe("contact detail visibility", () => {
  it("follows the visibility matrix for anonymous, stranger, co-member and contact", async () => {
    const { db, owner, stranger, comember, contact, garden } = await setUp();
    // A private community's join request stays pending: pending members are not co-members.
    requestMembership(db, { groupId: garden.actor.id, memberId: comember.id });
    expect(canSeeContactField(db, comember.id, owner.id, "members")).toBe(false);
    decideMembership(db, {
      groupId: garden.actor.id,
      memberId: comember.id,
      approve: true,
      byActorId: owner.id,
    });
    // The owner marks `contact` as a contact, and that side accepts.
    const relation = requestContact(db, owner, contact, `${ORIGIN}/ap/follows/1`);
    expect(relation.state).toBe("accepted");

    const see = (viewer: number | null, visibility: ContactVisibility) =>
      canSeeContactField(db, viewer, owner.id, visibility);
    const matrix = {
      anonymous: [see(null, "public"), see(null, "members"), see(null, "contacts")],
      stranger: [
        see(stranger.id, "public"),
        see(stranger.id, "members"),
        see(stranger.id, "contacts"),
      ],
      comember: [
        see(comember.id, "public"),
        see(comember.id, "members"),
        see(comember.id, "contacts"),
      ],
      contact: [see(contact.id, "public"), see(contact.id, "members"), see(contact.id, "contacts")],
      self: [see(owner.id, "public"), see(owner.id, "members"), see(owner.id, "contacts")],
    };
    expect(matrix).toEqual({
      anonymous: [true, false, false],
      stranger: [true, false, false],
      comember: [true, true, false],
      contact: [true, true, true],
      self: [true, true, true],
    });

    // Leaving the community takes the members-level view away again.
    leaveGroup(db, garden.actor.id, comember.id);
    expect(see(comember.id, "members")).toBe(false);
  });

  it("does not let someone see contacts-only details just by asking to be a contact", async () => {
    const { db, owner, stranger } = await setUp();
    // The owner accepts requests automatically, so the stranger's request succeeds at once...
    expect(requestContact(db, stranger, owner, `${ORIGIN}/ap/follows/2`).state).toBe("accepted");
    // ...but only the people the owner chose count as their contacts.
    expect(canSeeContactField(db, stranger.id, owner.id, "contacts")).toBe(false);
    // A pending request from the owner is not enough either: the other side has not agreed.
    updatePersonDetails(db, stranger.id, details({ approveContacts: true }));
    const pending = requestContact(db, owner, stranger, `${ORIGIN}/ap/follows/3`);
    expect(pending.state).toBe("pending");
    expect(canSeeContactField(db, stranger.id, owner.id, "contacts")).toBe(false);
    acceptContact(db, pending.id);
    expect(canSeeContactField(db, stranger.id, owner.id, "contacts")).toBe(true);
  });
});

function details(overrides: Partial<Parameters<typeof updatePersonDetails>[2]> = {}) {
  return {
    location: "",
    email: "",
    emailVisibility: "contacts",
    phone: "",
    phoneVisibility: "contacts",
    website: "",
    websiteVisibility: "public",
    expertise: "",
    interests: "",
    serviceAreas: [],
    approveContacts: false,
    ...overrides,
  };
}

describe("contacts", () => {
  it("keeps remote requests pending, lists both directions and refuses duplicates", async () => {
    const { db, owner, stranger, contact } = await setUp();
    const remote = upsertRemoteActor(db, {
      iri: "https://elsewhere.example/users/sam",
      type: "Person",
      handle: "sam",
      host: "elsewhere.example",
      name: "Sam",
      summary: "",
      url: null,
      inboxUrl: "https://elsewhere.example/users/sam/inbox",
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
    expect(requestContact(db, owner, remote, "https://copse.test/ap/follows/r").state).toBe(
      "pending",
    );
    updatePersonDetails(db, contact.id, details({ approveContacts: true }));
    const asked = requestContact(db, stranger, contact, "https://copse.test/ap/follows/s");
    expect(asked.state).toBe("pending");
    const accepted = requestContact(db, owner, stranger, "https://copse.test/ap/follows/t");
    expect(() => requestContact(db, owner, stranger, "https://copse.test/ap/follows/u")).toThrow(
      ConflictError,
    );
    expect(() => requestContact(db, owner, owner, "https://copse.test/ap/follows/v")).toThrow(
      ValidationError,
    );

    const mine = listContactsOf(db, owner.id);
    expect(mine.contacts.map((e) => e.person.handle)).toEqual(["stranger"]);
    expect(mine.outgoing.map((e) => e.person.handle)).toEqual(["sam"]);
    expect(listContactsOf(db, contact.id).incoming.map((e) => e.person.handle)).toEqual([
      "stranger",
    ]);
    expect(listContactFollowers(db, stranger.id).map((p) => p.handle)).toEqual(["owner"]);
    expect(accepted.state).toBe("accepted");
  });

  it("validates profile details and normalises tags", async () => {
    const { db, owner } = await setUp();
    expect(parseTagList(" Flood risk, #S106,flood risk ,, ")).toEqual(["flood risk", "s106"]);
    let error: unknown;
    try {
      updatePersonDetails(
        db,
        owner.id,
        details({
          email: "not an email",
          website: "javascript:alert(1)",
          emailVisibility: "everyone",
          serviceAreas: ["planning", "astrology"],
        }),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((e) => e.field).sort()).toEqual([
      "email",
      "emailVisibility",
      "serviceAreas",
      "website",
    ]);
    updatePersonDetails(
      db,
      owner.id,
      details({
        email: "owner@council.example",
        expertise: "Flood risk, section 106",
        interests: "cycling",
        serviceAreas: ["planning", "highways"],
      }),
    );
    expect(getPersonProfile(db, owner.id).serviceAreas).toBe("planning,highways");
    expect(listPersonTags(db, owner.id, "expertise")).toEqual(["flood risk", "section 106"]);
    expect(listPersonTags(db, owner.id, "interest")).toEqual(["cycling"]);
  });
});
