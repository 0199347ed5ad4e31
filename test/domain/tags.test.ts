import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { ForbiddenError, ValidationError } from "../../src/domain/errors.ts";
import { composeItem, deleteItem } from "../../src/domain/items.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import { findPeople, suggestPeople } from "../../src/domain/people-finder.ts";
import { tagCloud } from "../../src/domain/tag-cloud.ts";
import {
  addTag,
  itemsWithTag,
  parseTags,
  removeTag,
  saveRemoteHashtags,
  tagsOfItem,
} from "../../src/domain/tags.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";

async function setUp(db = freshDb()) {
  const person = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
  const alice = await person("alice");
  const bob = await person("bob");
  const eve = await person("eve");
  const open = createCommunity(db, ORIGIN, {
    handle: "open",
    name: "Open",
    description: "",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
  const secret = createCommunity(db, ORIGIN, {
    handle: "secret",
    name: "Secret",
    description: "",
    visibility: "private",
    ownerActorId: alice.actor.id,
  });
  requestMembership(db, { groupId: open.actor.id, memberId: bob.actor.id });
  requestMembership(db, { groupId: secret.actor.id, memberId: bob.actor.id });
  decideMembership(db, {
    groupId: secret.actor.id,
    memberId: bob.actor.id,
    byActorId: alice.actor.id,
    approve: true,
  });
  const topic = (group: typeof open, title: string) =>
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [group.actor],
      title,
      body: "text",
    });
  return { db, alice, bob, eve, open, secret, topic };
}

describe("tags", () => {
  it("lets any member tag, records who, and lets people remove only their own", async () => {
    const { db, alice, bob, eve, open, topic } = await setUp();
    const item = topic(open, "Bins");
    addTag(db, item, bob.actor.id, "#Waste");
    addTag(db, item, alice.actor.id, "waste");
    addTag(db, item, bob.actor.id, "Recycling");
    expect(tagsOfItem(db, item.id).map((t) => [t.name, t.taggers.map((p) => p.handle)])).toEqual([
      ["recycling", ["bob"]],
      ["waste", ["bob", "alice"]],
    ]);
    expect(() => addTag(db, item, eve.actor.id, "spam")).toThrow(ForbiddenError);
    expect(() => addTag(db, item, bob.actor.id, "?!")).toThrow(ValidationError);
    expect(() => addTag(db, item, bob.actor.id, "x".repeat(51))).toThrow(ValidationError);
    expect(() => addTag(db, item, bob.actor.id, "  ")).toThrow(ValidationError);
    // Bob removes his own tagging; Alice's stays. Bob cannot remove what only Alice added.
    addTag(db, item, alice.actor.id, "bins");
    expect(removeTag(db, item, bob.actor.id, "waste")).toBe(1);
    expect(tagsOfItem(db, item.id).find((t) => t.name === "waste")?.taggers).toHaveLength(1);
    expect(() => removeTag(db, item, bob.actor.id, "bins")).toThrow(ForbiddenError);
    // Alice facilitates the community, so she removes a tag whoever added it.
    expect(removeTag(db, item, alice.actor.id, "recycling")).toBe(1);
    expect(tagsOfItem(db, item.id).map((t) => t.name)).toEqual(["bins", "waste"]);
    // A phrase with punctuation is kept as one tag with hyphens, as a Hashtag can carry.
    expect(addTag(db, item, bob.actor.id, "  GOV.UK  forms! ").display).toBe("GOV-UK-forms");
    expect(parseTags("a, b ,, A")).toEqual([
      { name: "a", display: "a" },
      { name: "b", display: "b" },
    ]);
  });

  it("keeps private items out of tag pages and clouds for non-members", async () => {
    const { db, bob, eve, open, secret, topic } = await setUp();
    addTag(db, topic(open, "Public one"), bob.actor.id, "housing");
    addTag(db, topic(secret, "Private one"), bob.actor.id, "housing");
    addTag(db, topic(secret, "Private two"), bob.actor.id, "secretword");
    const titles = (viewer: number | null) =>
      itemsWithTag(db, viewer, "Housing")
        .items.map((i) => i.title)
        .sort();
    expect(titles(null)).toEqual(["Public one"]);
    expect(titles(eve.actor.id)).toEqual(["Public one"]);
    expect(titles(bob.actor.id)).toEqual(["Private one", "Public one"]);
    expect(itemsWithTag(db, eve.actor.id, "secretword").total).toBe(0);
    expect(tagCloud(db, eve.actor.id).map((t) => [t.name, t.count])).toEqual([["housing", 1]]);
    const cloud = tagCloud(db, bob.actor.id);
    expect(cloud.map((t) => [t.name, t.count, t.step])).toEqual([
      ["housing", 2, 5],
      ["secretword", 1, 1],
    ]);
    expect(tagCloud(db, bob.actor.id, { groupId: open.actor.id }).map((t) => t.name)).toEqual([
      "housing",
    ]);
  });

  it("counts a member's own drafts in their community's cloud, and no one else's", async () => {
    const { db, alice, bob, eve, open, secret, topic } = await setUp();
    const g = open.actor.id;
    addTag(db, topic(open, "Terraces"), alice.actor.id, "housing");
    const draft = (title: string) =>
      composeItem(db, ORIGIN, {
        kind: "entry",
        author: bob.actor,
        groups: [open.actor],
        title,
        body: "notes",
        status: "draft",
      });
    addTag(db, draft("First notes"), bob.actor.id, "zoning");
    addTag(db, draft("More notes"), bob.actor.id, "zoning");
    // Shared with a private community, so for its members only.
    const shared = composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [open.actor, secret.actor],
      title: "Shared",
      body: "text",
    });
    expect(shared.visibility).toBe("members");
    addTag(db, shared, alice.actor.id, "allotments");
    const removed = topic(open, "Gone");
    addTag(db, removed, alice.actor.id, "zoning");
    deleteItem(db, removed, alice.actor.id);
    const cloud = (viewer: number | undefined, limit?: number) =>
      tagCloud(db, viewer, { groupId: g, limit }).map((t) => [t.name, t.count]);
    // Alice (a member) and Bob share the community's counts; Bob's drafts add to his alone,
    // before the cloud is cut to its size. Eve, signed in but no member, and an anonymous
    // visitor see the published items only.
    expect(cloud(alice.actor.id)).toEqual([
      ["allotments", 1],
      ["housing", 1],
    ]);
    expect(cloud(bob.actor.id)).toEqual([
      ["allotments", 1],
      ["housing", 1],
      ["zoning", 2],
    ]);
    expect(cloud(bob.actor.id, 1)).toEqual([["zoning", 2]]);
    expect(cloud(alice.actor.id, 1)).toEqual([["allotments", 1]]);
    expect(cloud(eve.actor.id)).toEqual([["housing", 1]]);
    expect(cloud(undefined)).toEqual([["housing", 1]]);
    // A change is seen at once by every member and by visitors.
    addTag(db, topic(open, "Plots"), alice.actor.id, "zoning");
    expect(cloud(alice.actor.id)).toEqual([
      ["allotments", 1],
      ["housing", 1],
      ["zoning", 1],
    ]);
    expect(cloud(undefined)).toEqual([
      ["housing", 1],
      ["zoning", 1],
    ]);
    expect(cloud(bob.actor.id, 1)).toEqual([["zoning", 3]]);
  });

  it("keeps an anonymous visitor's cloud only until anything in the database changes", async () => {
    // A file, so that a second connection can open it.
    const dir = mkdtempSync(join(tmpdir(), "copse-tags-"));
    const path = join(dir, "copse.db");
    const fileDb = openDatabase(path);
    runMigrations(fileDb);
    const { db, alice, bob, open, topic } = await setUp(fileDb);
    const cloud = () => tagCloud(db, undefined, { groupId: open.actor.id }).map((t) => t.name);
    const item = topic(open, "Verges");
    addTag(db, item, bob.actor.id, "mowing");
    expect(cloud()).toEqual(["mowing"]);
    // Asked again with nothing changed, the same answer; after each change, the new one.
    expect(cloud()).toEqual(["mowing"]);
    addTag(db, topic(open, "Hedges"), bob.actor.id, "wildflowers");
    expect(cloud()).toEqual(["mowing", "wildflowers"]);
    deleteItem(db, item, alice.actor.id);
    expect(cloud()).toEqual(["wildflowers"]);
    // A change by another connection to the same file (the admin command line) counts too.
    const other = openDatabase(path);
    other.$client.prepare("DELETE FROM taggings").run();
    other.$client.close();
    expect(cloud()).toEqual([]);
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("mirrors remote hashtags as the author's taggings", async () => {
    const { db, alice, bob, open, topic } = await setUp();
    const item = topic(open, "Roads");
    addTag(db, item, bob.actor.id, "potholes");
    saveRemoteHashtags(db, item, ["#Gritting", "potholes", "!!!", "x".repeat(60)], alice.actor.id);
    expect(tagsOfItem(db, item.id).map((t) => t.name)).toEqual(["gritting", "potholes"]);
    saveRemoteHashtags(db, item, ["potholes"], alice.actor.id);
    expect(tagsOfItem(db, item.id).map((t) => t.name)).toEqual(["potholes"]);
  });
});

describe("people finder", () => {
  it("finds people by name, expertise, service area and organisation, saying why", async () => {
    const { db, alice, bob, eve } = await setUp();
    db.$client
      .prepare("UPDATE actors SET name = ?, organisation = ? WHERE id = ?")
      .run("Bob Jones", "Leeds City Council", bob.actor.id);
    db.$client
      .prepare(
        "INSERT INTO person_tags (actor_id, kind, tag) VALUES (?, 'expertise', 'flood-risk')",
      )
      .run(eve.actor.id);
    db.$client
      .prepare(
        "INSERT INTO person_tags (actor_id, kind, tag) VALUES (?, 'expertise', 'flood-risk')",
      )
      .run(alice.actor.id);
    db.$client
      .prepare("INSERT INTO person_profiles (actor_id, service_areas) VALUES (?, 'housing,waste')")
      .run(alice.actor.id);
    expect(findPeople(db, "jones").map((p) => [p.handle, p.reasons[0]?.field])).toEqual([
      ["bob", "name"],
    ]);
    expect(
      findPeople(db, "flood risk", "expertise")
        .map((p) => p.handle)
        .sort(),
    ).toEqual(["alice", "eve"]);
    expect(findPeople(db, "flood", "name")).toEqual([]);
    expect(findPeople(db, "waste").map((p) => [p.handle, p.reasons[0]])).toEqual([
      ["alice", { field: "service area", value: "Waste" }],
    ]);
    expect(findPeople(db, "leeds", "organisation").map((p) => p.reasons[0]?.field)).toEqual([
      "organisation",
    ]);
    expect(findPeople(db, '"( NEAR * ^')).toEqual([]);
    // Eve shares an expertise with Alice; Bob shares a community with her.
    expect(
      suggestPeople(db, alice.actor.id)
        .map((p) => p.handle)
        .sort(),
    ).toEqual(["bob", "eve"]);
  });
});
