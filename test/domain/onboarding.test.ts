import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { composeItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import {
  adminChecklist,
  isNewcomer,
  profileChecklist,
  suggestCommunities,
} from "../../src/domain/onboarding.ts";
import { updatePersonDetails } from "../../src/domain/person-details.ts";
import { updateProfile } from "../../src/domain/profiles.ts";
import { addTag } from "../../src/domain/tags.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";

async function setUp() {
  const db = freshDb();
  const person = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
  const alice = await person("alice");
  const nia = await person("nia");
  const community = (
    handle: string,
    name: string,
    description: string,
    visibility: "public" | "private" = "public",
  ) =>
    createCommunity(db, ORIGIN, {
      handle,
      name,
      description,
      visibility,
      ownerActorId: alice.actor.id,
    });
  return { db, alice, nia, community };
}

function details(expertise: string, serviceAreas: string[]) {
  return {
    location: "",
    email: "",
    emailVisibility: "contacts",
    phone: "",
    phoneVisibility: "contacts",
    website: "",
    websiteVisibility: "public",
    expertise,
    interests: "",
    serviceAreas,
    approveContacts: false,
  };
}

describe("onboarding", () => {
  it("suggests communities by the expertise and service areas a newcomer entered", async () => {
    const { db, alice, nia, community } = await setUp();
    const roads = community("roads", "Highways asset management", "Roads, bridges and gritting");
    const bins = community("bins", "Recycling officers", "Kerbside collections");
    const secret = community("vault", "Flood team", "Internal", "private");
    community("misc", "General chat", "Anything else");
    // The flood team's only mention of drainage is on a members-only item: it must not match.
    const hidden = composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [secret.actor],
      title: "Culverts",
      body: "x",
    });
    addTag(db, hidden, alice.actor.id, "drainage");
    const open = composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [bins.actor],
      title: "Food waste",
      body: "x",
    });
    addTag(db, open, alice.actor.id, "food waste");
    updatePersonDetails(db, nia.actor.id, details("gritting, drainage, food waste", ["highways"]));

    expect(isNewcomer(db, nia.actor.id)).toBe(true);
    const suggested = suggestCommunities(db, nia.actor.id);
    expect(suggested.map((s) => [s.community.actor.handle, s.matched])).toEqual([
      ["roads", ["gritting", "Highways"]],
      ["bins", ["food waste"]],
    ]);
    // Once she has joined, the community is no longer suggested and she is not new.
    requestMembership(db, { groupId: roads.actor.id, memberId: nia.actor.id });
    expect(isNewcomer(db, nia.actor.id)).toBe(false);
    expect(suggestCommunities(db, nia.actor.id).map((s) => s.community.actor.handle)).toEqual([
      "bins",
    ]);
  });

  it("offers the biggest communities when nothing in the profile matches", async () => {
    const { db, alice, nia, community } = await setUp();
    community("small", "Small", "");
    const big = community("big", "Big", "");
    requestMembership(db, { groupId: big.actor.id, memberId: alice.actor.id });
    const suggested = suggestCommunities(db, nia.actor.id, 1);
    expect(suggested.map((s) => [s.community.actor.handle, s.matched])).toEqual([["big", []]]);
  });

  it("lists what a profile still needs, and marks what is done", async () => {
    const { db, nia } = await setUp();
    const todo = () =>
      profileChecklist(db, nia.actor.id)
        .filter((s) => !s.done)
        .map((s) => s.id);
    expect(todo()).toEqual(["job", "about", "expertise", "areas", "photo"]);
    updateProfile(db, nia.actor.id, {
      name: "Nia",
      bio: "I run the county's winter service.",
      jobTitle: "Winter service manager",
      organisation: "Somerset Council",
    });
    updatePersonDetails(db, nia.actor.id, details("gritting", ["highways"]));
    expect(todo()).toEqual(["photo"]);
  });

  it("gives an administrator the set-up steps, done as the instance is", async () => {
    const { db, community } = await setUp();
    const fresh = {
      instanceName: "Copse",
      mailConfigured: false,
      registration: "open" as "open" | "closed",
    };
    const done = (setup: typeof fresh) =>
      adminChecklist(db, setup)
        .filter((s) => s.done)
        .map((s) => s.id);
    // Two accounts exist already (set-up made them), so colleagues count as invited.
    expect(done(fresh)).toEqual(["invite"]);
    community("first", "First", "");
    expect(
      done({ instanceName: "Somerset Copse", mailConfigured: true, registration: "open" }),
    ).toEqual(["name", "mail", "registration", "community", "invite"]);
    expect(done({ ...fresh, registration: "closed" })).toEqual([
      "registration",
      "community",
      "invite",
    ]);
  });
});
