import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { composeItem, insertItem } from "../../src/domain/items.ts";
import {
  activityAfter,
  currentCursor,
  formatCursor,
  latestActivity,
  parseCursor,
} from "../../src/domain/live-stream.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { createWikiPage, editWikiPage } from "../../src/domain/wiki.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";

async function setUp() {
  const db = freshDb();
  const person = (handle: string) =>
    createAccount(db, ORIGIN, { handle, email: `${handle}@e.org`, password: "correct horse" });
  const alice = await person("alice");
  const carol = await person("carol");
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle[0]!.toUpperCase() + handle.slice(1),
      description: "",
      visibility,
      ownerActorId: alice.actor.id,
    }).actor;
  const garden = community("garden", "public");
  const vault = community("vault", "private");
  // Carol belongs to the public garden only.
  requestMembership(db, { groupId: garden.id, memberId: carol.actor.id });
  const post = (kind: "topic" | "entry", title: string, groups = [garden]) =>
    composeItem(db, ORIGIN, { kind, author: alice.actor, groups, title, body: `${title}.` });
  return { db, alice, carol, garden, vault, post };
}

describe("the live stream's positions", () => {
  it("reads back what it writes and refuses anything else", () => {
    expect(parseCursor(formatCursor({ item: 12, revision: 3 }))).toEqual({ item: 12, revision: 3 });
    for (const junk of ["", "12", "12-", "-3", "a-b", "1-2-3", "1e3-1", `${"9".repeat(16)}-1`]) {
      expect(parseCursor(junk), junk).toBeNull();
    }
    expect(parseCursor(undefined)).toBeNull();
  });
});

describe("latest activity", () => {
  it("lists new items and wiki edits newest first, with only what the viewer may see", async () => {
    const { db, alice, carol, garden, vault, post } = await setUp();
    const topic = post("topic", "Compost rota");
    composeItem(db, ORIGIN, {
      kind: "reply",
      author: carol.actor,
      groups: [garden],
      parent: topic,
      body: "I can do Tuesdays.",
    });
    post("topic", "Budget secrets", [vault]);
    composeItem(db, ORIGIN, {
      kind: "entry",
      author: alice.actor,
      groups: [garden],
      title: "Unfinished thoughts",
      body: "Draft.",
      status: "draft",
    });
    post("entry", "Personal musings", []);
    const { page } = createWikiPage(db, ORIGIN, {
      author: alice.actor,
      group: garden,
      title: "Planting guide",
      body: "Dig.",
    });
    editWikiPage(db, page, {
      editor: carol.actor,
      title: "Planting guide",
      body: "Dig deeper.",
      reason: "More detail",
      baseRevision: 1,
      related: [],
    });
    // A community on another server, with a post that reached this one.
    const remoteGroup = upsertRemoteActor(db, {
      iri: "https://other.test/groups/rivers",
      type: "Group",
      handle: "rivers",
      host: "other.test",
      name: "Rivers",
      summary: "",
      url: "https://other.test/c/rivers",
      inboxUrl: null,
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
    const remotePerson = upsertRemoteActor(db, {
      iri: "https://other.test/users/dan",
      type: "Person",
      handle: "dan",
      host: "other.test",
      name: "Dan",
      summary: "",
      url: "https://other.test/people/dan",
      inboxUrl: null,
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
    insertItem(db, {
      kind: "topic",
      iri: "https://other.test/topics/1",
      authorId: remotePerson.id,
      groupIds: [remoteGroup.id],
      title: "Flood warnings",
      bodyHtml: "<p>High water.</p>",
      visibility: "public",
      isLocal: false,
    });

    const seen = (viewer: number | null) =>
      latestActivity(db, viewer).entries.map((e) => `${e.action} ${e.kind} ${e.title}`);
    const everyone = [
      "created topic Flood warnings",
      "edited wiki Planting guide",
      "created wiki Planting guide",
      "created reply Compost rota",
      "created topic Compost rota",
    ];
    expect(seen(null)).toEqual(everyone);
    expect(seen(carol.actor.id)).toEqual(everyone);
    // Alice is a member of the vault, but her draft and her blog kept out of communities stay out.
    expect(seen(alice.actor.id)).toEqual([
      everyone[0],
      everyone[1],
      everyone[2],
      "created topic Budget secrets",
      everyone[3],
      everyone[4],
    ]);

    const [flood, edit] = latestActivity(db, null).entries;
    expect(flood!.group).toMatchObject({ handle: "rivers", host: "other.test", isLocal: false });
    expect(flood!.author).toMatchObject({ name: "Dan", isLocal: false });
    expect(edit!.author.handle).toBe("carol");
    expect(latestActivity(db, null, 2).entries).toHaveLength(2);
    expect(latestActivity(db, null).cursor).toEqual(currentCursor(db));
  });

  it("names a community the viewer belongs to when an item is in several", async () => {
    const { db, alice, carol, garden, vault } = await setUp();
    // Shared with the private vault, the entry is members-only: Carol sees it through the garden.
    composeItem(db, ORIGIN, {
      kind: "entry",
      author: alice.actor,
      groups: [vault, garden],
      title: "Shared plans",
      body: "For both.",
    });
    const [forCarol] = latestActivity(db, carol.actor.id).entries;
    expect(forCarol?.title).toBe("Shared plans");
    expect(forCarol?.group.handle).toBe("garden");
    expect(latestActivity(db, null).entries).toEqual([]);
  });
});

describe("activity after a position", () => {
  it("returns what came later, oldest first, each with the position after it", async () => {
    const { db, garden, vault, post, alice } = await setUp();
    const start = currentCursor(db);
    const first = post("topic", "First");
    post("topic", "Hidden", [vault]);
    const third = post("topic", "Third");
    const { page } = createWikiPage(db, ORIGIN, {
      author: alice.actor,
      group: garden,
      title: "Guide",
      body: "One.",
    });
    const { revision } = editWikiPage(db, page, {
      editor: alice.actor,
      title: "Guide",
      body: "Two.",
      reason: "Clearer",
      baseRevision: 1,
      related: [],
    });
    const upTo = currentCursor(db);

    const all = activityAfter(db, null, start, upTo);
    expect(all.map((e) => e.title)).toEqual(["First", "Third", "Guide", "Guide"]);
    expect(all.map((e) => e.action)).toEqual(["created", "created", "created", "edited"]);
    expect(all[0]!.cursor).toEqual({ item: first.id, revision: start.revision });
    expect(all[1]!.cursor).toEqual({ item: third.id, revision: start.revision });
    expect(all.at(-1)!.cursor).toEqual({ item: page.id, revision: revision.id });

    // Resuming from an entry's position gives exactly what followed it.
    expect(activityAfter(db, null, all[0]!.cursor, upTo).map((e) => e.title)).toEqual([
      "Third",
      "Guide",
      "Guide",
    ]);
    // Nothing above the upper bound, and a reader far behind gets only the newest.
    expect(activityAfter(db, null, start, all[0]!.cursor).map((e) => e.title)).toEqual(["First"]);
    expect(activityAfter(db, null, start, upTo, 2).map((e) => e.action)).toEqual([
      "created",
      "edited",
    ]);
    expect(activityAfter(db, alice.actor.id, start, upTo).map((e) => e.title)).toContain("Hidden");
  });
});
