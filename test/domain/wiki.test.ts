import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { ForbiddenError, ValidationError } from "../../src/domain/errors.ts";
import { getItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { diffLines, diffStats } from "../../src/domain/wiki/diff.ts";
import {
  createWikiPage,
  editWikiPage,
  getRevision,
  latestRevision,
  listRevisions,
  listWikiPages,
  relatedPages,
  restoreRevision,
  revisionNumberOf,
  WikiConflictError,
} from "../../src/domain/wiki/wiki.ts";
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
  const bob = await person("bob");
  const eve = await person("eve");
  const garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
  const other = createCommunity(db, ORIGIN, {
    handle: "other",
    name: "Other",
    description: "",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
  // Public communities accept members at once.
  requestMembership(db, { groupId: garden.actor.id, memberId: bob.actor.id });
  const page = (title: string, body = `About ${title}.`) =>
    createWikiPage(db, ORIGIN, { author: alice.actor, group: garden.actor, title, body }).page;
  return { db, alice, bob, eve, garden, other, page };
}

describe("wiki pages and revisions", () => {
  it("numbers revisions, records who and why, and lists pages A to Z", async () => {
    const { db, alice, bob, garden, other, page } = await setUp();
    const rota = page("Winter rota", "Line one\nLine two");
    page("Allotments");
    expect(rota.kind).toBe("wiki");
    expect(latestRevision(db, rota.id)?.number).toBe(1);
    expect(latestRevision(db, rota.id)?.iri).toBe(`${rota.iri}/revisions/1`);

    const second = editWikiPage(db, rota, {
      editor: bob.actor,
      title: "Winter gritting rota",
      body: "Line one\nLine two changed",
      reason: "Fixed line two",
      related: [],
      baseRevision: 1,
    });
    expect(second.revision.number).toBe(2);
    expect(second.page.title).toBe("Winter gritting rota");
    expect(second.page.bodyHtml).toContain("Line two changed");

    const history = listRevisions(db, rota.id);
    expect(history.map((h) => [h.revision.number, h.author.handle, h.revision.reason])).toEqual([
      [2, "bob", "Fixed line two"],
      [1, "alice", "Created the page"],
    ]);
    expect(listWikiPages(db, other.actor.id)).toEqual([]);
    const pages = listWikiPages(db, garden.actor.id);
    expect(pages.map((p) => [p.page.title, p.lastRevision, p.lastEditedBy.handle])).toEqual([
      ["Allotments", 1, "alice"],
      ["Winter gritting rota", 2, "bob"],
    ]);
    expect(pages[0]?.page.authorId).toBe(alice.actor.id);
  });

  it("refuses an edit based on an old revision, carrying the latest", async () => {
    const { db, alice, bob, page } = await setUp();
    const notes = page("Notes", "First");
    editWikiPage(db, notes, {
      editor: alice.actor,
      title: "Notes",
      body: "Second",
      reason: "Alice's change",
      related: [],
      baseRevision: 1,
    });
    let caught: unknown;
    try {
      editWikiPage(db, getItem(db, notes.id)!, {
        editor: bob.actor,
        title: "Notes",
        body: "Bob's stale change",
        reason: "Bob's change",
        related: [],
        baseRevision: 1,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WikiConflictError);
    expect((caught as WikiConflictError).latest.number).toBe(2);
    expect((caught as WikiConflictError).latest.reason).toBe("Alice's change");
    expect(latestRevision(db, notes.id)?.bodySource).toBe("Second");
    expect(listRevisions(db, notes.id)).toHaveLength(2);
  });

  it("requires a reason and membership", async () => {
    const { db, bob, eve, page } = await setUp();
    const notes = page("Notes");
    const edit = { title: "Notes", body: "New", related: [], baseRevision: 1 };
    expect(() => editWikiPage(db, notes, { ...edit, editor: bob.actor, reason: " " })).toThrow(
      /reason for the update/,
    );
    expect(() => editWikiPage(db, notes, { ...edit, editor: eve.actor, reason: "Mine" })).toThrow(
      ForbiddenError,
    );
    expect(listRevisions(db, notes.id)).toHaveLength(1);
  });

  it("restores an old revision as a new one", async () => {
    const { db, alice, page } = await setUp();
    const notes = page("Notes", "Original text");
    editWikiPage(db, notes, {
      editor: alice.actor,
      title: "Renamed",
      body: "Vandalised",
      reason: "Oops",
      related: [],
      baseRevision: 1,
    });
    const restored = restoreRevision(db, getItem(db, notes.id)!, alice.actor, 1);
    expect(restored.revision.number).toBe(3);
    expect(restored.revision.reason).toBe("Restored revision 1");
    expect(restored.page.title).toBe("Notes");
    expect(restored.page.bodySource).toBe("Original text");
    expect(getRevision(db, notes.id, 2)?.bodySource).toBe("Vandalised");
  });

  it("keeps at most five related pages, all from the same community's wiki", async () => {
    const { db, alice, other, page } = await setUp();
    const hub = page("Hub");
    const others = ["A", "B", "C", "D", "E", "F"].map((t) => page(`Page ${t}`));
    const base = { editor: alice.actor, title: "Hub", body: "Links", reason: "Links" };
    expect(() =>
      editWikiPage(db, hub, { ...base, related: others.map((p) => p.id), baseRevision: 1 }),
    ).toThrow(ValidationError);
    const foreign = createWikiPage(db, ORIGIN, {
      author: alice.actor,
      group: other.actor,
      title: "Elsewhere",
      body: "x",
    }).page;
    expect(() =>
      editWikiPage(db, hub, { ...base, related: [foreign.id], baseRevision: 1 }),
    ).toThrow(/other pages of this community/);
    expect(() => editWikiPage(db, hub, { ...base, related: [hub.id], baseRevision: 1 })).toThrow(
      ValidationError,
    );
    const five = others.slice(0, 5).map((p) => p.id);
    editWikiPage(db, hub, { ...base, related: five, baseRevision: 1 });
    expect(relatedPages(db, hub.id).map((p) => p.title)).toEqual([
      "Page A",
      "Page B",
      "Page C",
      "Page D",
      "Page E",
    ]);
    expect(listRevisions(db, hub.id)).toHaveLength(2);
  });

  it("reads revision numbers only from the page's own revision ids", () => {
    const page = "https://copse.test/ap/articles/abc";
    expect(revisionNumberOf(page, `${page}/revisions/12`)).toBe(12);
    expect(revisionNumberOf(page, `${page}/revisions/0`)).toBeNull();
    expect(revisionNumberOf(page, "https://copse.test/ap/articles/other/revisions/2")).toBeNull();
  });
});

describe("line diff", () => {
  it("finds the fewest added and removed lines", () => {
    const lines = diffLines("a\nb\nc\nd\ne", "a\nc\nd\nx\ne\nf");
    expect(lines.map((l) => `${l.kind[0]}${l.text}`)).toEqual([
      "sa",
      "rb",
      "sc",
      "sd",
      "ax",
      "se",
      "af",
    ]);
    expect(diffStats(lines)).toEqual({ added: 2, removed: 1 });
    const removed = lines.find((l) => l.kind === "removed")!;
    expect([removed.oldNumber, removed.newNumber]).toEqual([2, null]);
    const added = lines.find((l) => l.text === "x")!;
    expect([added.oldNumber, added.newNumber]).toEqual([null, 4]);
  });

  it("treats Windows line endings like Unix ones and handles empty texts", () => {
    expect(diffLines("one\r\ntwo\r\n", "one\ntwo").every((l) => l.kind === "same")).toBe(true);
    expect(diffLines("", "new").map((l) => l.kind)).toEqual(["added"]);
    expect(diffLines("old", "").map((l) => l.kind)).toEqual(["removed"]);
  });

  it("shows a small edit of a long page as a small change, and gives up on a total rewrite", () => {
    const long = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const edited = long.map((line, i) => (i === 10_000 ? "changed" : line));
    expect(diffStats(diffLines(long.join("\n"), edited.join("\n")))).toEqual({
      added: 1,
      removed: 1,
    });
    // Every line differs: past the edit limit the middle is shown as removed, then added.
    const rewritten = long.map((line) => `${line}!`);
    const lines = diffLines(long.join("\n"), rewritten.join("\n"));
    expect(diffStats(lines)).toEqual({ added: 20_000, removed: 20_000 });
    expect(lines[0]).toEqual({ kind: "removed", text: "line 0", oldNumber: 1, newNumber: null });
    expect(lines.at(-1)).toEqual({
      kind: "added",
      text: "line 19999!",
      oldNumber: null,
      newNumber: 20_000,
    });
  });
});
