import { describe, expect, it } from "vitest";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { composeItem, insertItem } from "../../src/domain/items.ts";
import { currentCursor, formatCursor, parseCursor } from "../../src/domain/live/cursor.ts";
import { activityAfter, type LiveEntry, latestActivity } from "../../src/domain/live/stream.ts";
import { createWikiPage, editWikiPage } from "../../src/domain/wiki/wiki.ts";
import { LIVE_ORIGIN as ORIGIN, said, liveWorld as setUp } from "../helpers/live-world.ts";

/** Only the entries about items, for tests that are not about joins. */
function itemsOnly(entries: LiveEntry[]): string[] {
  return entries.filter((e) => e.action !== "joined").map(said);
}

describe("the live stream's positions", () => {
  it("reads back what it writes and refuses anything else", () => {
    const cursor = { item: 12, revision: 3, joinAt: 1_790_000_000_123, joinId: 7 };
    expect(formatCursor(cursor)).toBe("12-3-1790000000123-7");
    expect(parseCursor(formatCursor(cursor))).toEqual(cursor);
    // Ids handed out before joins were streamed still read, without a join position.
    expect(parseCursor("12-3")).toEqual({ item: 12, revision: 3 });
    for (const junk of [
      "",
      "12",
      "12-",
      "-3",
      "a-b",
      "1-2-3",
      "1-2-3-",
      "1-2-3-4-5",
      "1e3-1",
      `${"9".repeat(16)}-1`,
      `1-2-${"9".repeat(16)}-1`,
    ]) {
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

    const seen = (viewer: number | null) => itemsOnly(latestActivity(db, viewer).entries);
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
    const { cursor } = latestActivity(db, null);
    expect({ ...cursor, joinAt: 0 }).toEqual({ ...currentCursor(db), joinAt: 0 });
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
    const [forCarol] = latestActivity(db, carol.actor.id).entries.filter(
      (e) => e.action !== "joined",
    );
    expect(forCarol && said(forCarol)).toBe("created entry Shared plans");
    expect(forCarol?.group.handle).toBe("garden");
    expect(itemsOnly(latestActivity(db, null).entries)).toEqual([]);
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
    expect(all.map(said)).toEqual([
      "created topic First",
      "created topic Third",
      "created wiki Guide",
      "edited wiki Guide",
    ]);
    const joins = { joinAt: start.joinAt, joinId: start.joinId };
    expect(all[0]!.cursor).toEqual({ item: first.id, revision: start.revision, ...joins });
    expect(all[1]!.cursor).toEqual({ item: third.id, revision: start.revision, ...joins });
    expect(all.at(-1)!.cursor).toEqual({ item: page.id, revision: revision.id, ...joins });

    // Resuming from an entry's position gives exactly what followed it.
    expect(activityAfter(db, null, all[0]!.cursor, upTo).map(said)).toEqual([
      "created topic Third",
      "created wiki Guide",
      "edited wiki Guide",
    ]);
    // Nothing above the upper bound, and a reader far behind gets only the newest.
    expect(activityAfter(db, null, start, all[0]!.cursor).map(said)).toEqual([
      "created topic First",
    ]);
    expect(activityAfter(db, null, start, upTo, 2).map((e) => e.action)).toEqual([
      "created",
      "edited",
    ]);
    expect(activityAfter(db, alice.actor.id, start, upTo).map(said)).toContain(
      "created topic Hidden",
    );
  });
});
