import { describe, expect, it } from "vitest";
import { ensureSearchIndex, SNIPPET_END, SNIPPET_START } from "../../src/db/search-index.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { composeItem, deleteItem, editItem } from "../../src/domain/items.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import { ftsQuery, MAX_COUNTED, search, searchItems } from "../../src/domain/search.ts";
import { freshDb } from "../helpers/db.ts";
import { TEST_DATABASE } from "../helpers/test-database.ts";

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
  const open = createCommunity(db, ORIGIN, {
    handle: "planners",
    name: "Planners",
    description: "",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
  const secret = createCommunity(db, ORIGIN, {
    handle: "secret",
    name: "Secret housing group",
    description: "",
    visibility: "private",
    ownerActorId: alice.actor.id,
  });
  requestMembership(db, { groupId: secret.actor.id, memberId: bob.actor.id });
  decideMembership(db, {
    groupId: secret.actor.id,
    memberId: bob.actor.id,
    byActorId: alice.actor.id,
    approve: true,
  });
  const post = (group: typeof open, title: string, body: string, status?: "draft") =>
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [group.actor],
      title,
      body,
      status,
    });
  return { db, alice, bob, eve, open, secret, post };
}

describe("search", () => {
  it("ranks title matches first and marks matched words in snippets", async () => {
    const { db, open, post } = await setUp();
    post(open, "Cycle lanes", "We talked about **gritting** roads in winter and other things.");
    post(open, "Gritting rota", "Who drives the lorry this year?");
    const { hits, total } = searchItems(db, null, { q: "gritting" });
    expect(total).toBe(2);
    expect(hits.map((h) => h.title)).toEqual(["Gritting rota", "Cycle lanes"]);
    expect(hits[1]!.snippet).toContain(`${SNIPPET_START}gritting${SNIPPET_END}`);
    // Markup from the rendered body never reaches the snippet.
    expect(hits[1]!.snippet).not.toContain("<strong>");
  });

  it("finds words by prefix and follows edits and deletions", async () => {
    const { db, alice, open, post } = await setUp();
    const item = post(open, "Local plan", "Consultation on the planning framework");
    expect(searchItems(db, null, { q: "framew" }).total).toBe(1);
    editItem(db, item, alice.actor.id, { title: "Local plan", body: "Nothing about roads" });
    expect(searchItems(db, null, { q: "framework" }).total).toBe(0);
    expect(searchItems(db, null, { q: "roads" }).total).toBe(1);
    deleteItem(db, item, alice.actor.id);
    expect(searchItems(db, null, { q: "roads" }).total).toBe(0);
  });

  it("highlights the words typed and the words they begin, and the start of the text otherwise", async () => {
    const { db, open, post } = await setUp();
    post(
      open,
      "Winter",
      "Our depot staff cover the gritting rota and the e-mail inbox every night.",
    );
    const both = searchItems(db, null, { q: "gritting e-mail" });
    expect(both.total).toBe(1);
    expect(both.hits[0]!.snippet).toContain(`${SNIPPET_START}gritting${SNIPPET_END}`);
    // "depo" matches "depot" by prefix, and the extract marks the word it begins.
    const prefix = searchItems(db, null, { q: "depo" });
    expect(prefix.total).toBe(1);
    expect(prefix.hits[0]!.snippet).toBe(
      `Our ${SNIPPET_START}depot${SNIPPET_END} staff cover the gritting rota and the e-mail inbox every night.`,
    );
    // "covering" matches "cover" by its stem alone: nothing can be marked, so the start shows.
    const stem = searchItems(db, null, { q: "covering" });
    expect(stem.total).toBe(1);
    expect(stem.hits[0]!.snippet).toBe(
      "Our depot staff cover the gritting rota and the e-mail inbox every night.",
    );
    expect(ftsQuery("gritting e-mail", { any: true })).toBe('"gritting" OR "e mail"');
  });

  it("never errors on FTS5 syntax characters", async () => {
    const { db, open, post } = await setUp();
    post(open, "Budget NEAR deadline", 'He said "budget" (again) - then: ^caret * star');
    const nasty = [
      '"',
      "*",
      "(",
      ")",
      "NEAR",
      "NEAR(",
      "-",
      ":",
      "^",
      '"budget',
      "budget\"'",
      "",
      "   ",
      "AND OR NOT",
      "title:budget",
      "{title}",
      "budget*",
      "\\",
      "%_",
    ];
    for (const q of nasty) {
      expect(() => search(db, null, { q })).not.toThrow();
    }
    expect(searchItems(db, null, { q: '"budget' }).total).toBe(1);
    expect(searchItems(db, null, { q: "NEAR" }).total).toBe(1);
    expect(searchItems(db, null, { q: "title:budget" }).total).toBe(0);
    expect(ftsQuery("   ")).toBeNull();
    expect(ftsQuery('a"b')).toBe('"a b"');
  });

  it("filters by type, community and date", async () => {
    const { db, open, secret, bob, post } = await setUp();
    post(open, "Waste collection", "bins");
    post(secret, "Waste strategy", "bins");
    expect(searchItems(db, bob.actor.id, { q: "waste" }).total).toBe(2);
    expect(searchItems(db, bob.actor.id, { q: "waste", communityId: secret.actor.id }).total).toBe(
      1,
    );
    expect(searchItems(db, bob.actor.id, { q: "waste", type: "event" }).total).toBe(0);
    expect(
      searchItems(db, bob.actor.id, { q: "waste", from: new Date(Date.now() + 60_000) }).total,
    ).toBe(0);
    expect(
      searchItems(db, bob.actor.id, { q: "waste", to: new Date(Date.now() + 60_000) }).total,
    ).toBe(2);
  });

  // Who sees a private community's topic, a draft and a public topic: a matrix of viewers.
  const matrix: [string, "anonymous" | "eve" | "bob" | "alice", boolean, boolean, boolean][] = [
    ["anonymous visitor", "anonymous", true, false, false],
    ["signed-in non-member", "eve", true, false, false],
    ["member of the private community", "bob", true, true, false],
    ["author", "alice", true, true, true],
  ];
  for (const [label, who, seesPublic, seesPrivate, seesDraft] of matrix) {
    it(`shows a ${label} only what they may see`, async () => {
      const s = await setUp();
      s.post(s.open, "Zebra crossing public", "zebra");
      s.post(s.secret, "Zebra crossing private", "zebra");
      s.post(s.open, "Zebra crossing draft", "zebra", "draft");
      const viewer = who === "anonymous" ? null : s[who].actor.id;
      const titles = search(s.db, viewer, { q: "zebra" }).items.map((h) => h.title);
      expect(titles.includes("Zebra crossing public")).toBe(seesPublic);
      expect(titles.includes("Zebra crossing private")).toBe(seesPrivate);
      expect(titles.includes("Zebra crossing draft")).toBe(seesDraft);
      const communities = search(s.db, viewer, { q: "secret housing" }).communities;
      expect(communities.length).toBe(seesPrivate ? 1 : 0);
    });
  }

  it("names the community of each hit, never a private one to someone outside it", async () => {
    const { db, alice, bob, eve, open, secret } = await setUp();
    // An entry shared into a private and a public community, the private one first.
    const shared = composeItem(db, ORIGIN, {
      kind: "entry",
      author: alice.actor,
      groups: [secret.actor, open.actor],
      title: "Gully cleaning",
      body: "Our gully cleaning rota",
    });
    const placeFor = (viewer: number | null) =>
      searchItems(db, viewer, { q: "gully" }).hits.map((h) => [h.id, h.communityName, h.handle]);
    expect(placeFor(bob.actor.id)).toEqual([[shared.id, "Secret housing group", "secret"]]);
    // Shared into a private community, the entry is for its members only...
    expect(placeFor(eve.actor.id)).toEqual([]);
    // ...but a public post can later be listed in a private community too (a remote post its
    // group announces, say): the public community is the one named to outsiders.
    db.$client.prepare("UPDATE items SET visibility = 'public' WHERE id = ?").run(shared.id);
    expect(placeFor(eve.actor.id)).toEqual([[shared.id, "Planners", "planners"]]);
    expect(placeFor(null)).toEqual([[shared.id, "Planners", "planners"]]);
    expect(placeFor(bob.actor.id)).toEqual([[shared.id, "Secret housing group", "secret"]]);
  });

  it("finds people and public communities by name", async () => {
    const { db, eve } = await setUp();
    const results = search(db, eve.actor.id, { q: "plan" });
    expect(results.communities.map((c) => c.handle)).toEqual(["planners"]);
    expect(search(db, null, { q: "bob" }).people.map((p) => p.handle)).toEqual(["bob"]);
  });

  it("counts no further than MAX_COUNTED and ranks the newest matches, titles first", async () => {
    const { db, open, secret, post } = await setUp();
    db.$client.transaction(() => {
      for (let i = 0; i < MAX_COUNTED + 5; i++) {
        // One item in the middle has the word in its title; the rest only in the body.
        if (i === 600) post(open, "Compost rota", "Who turns the heap?");
        else post(open, `Note ${i}`, "The compost heap needs turning.");
      }
      post(secret, "Compost secrets", "Members only compost.");
    })();
    const first = searchItems(db, null, { q: "compost" });
    expect(first.total).toBe(MAX_COUNTED);
    expect(first.hits[0]!.title).toBe("Compost rota");
    // After the title match, the newest body matches; the private item is never among them.
    expect(first.hits.slice(1, 3).map((h) => h.title)).toEqual([
      `Note ${MAX_COUNTED + 4}`,
      `Note ${MAX_COUNTED + 3}`,
    ]);
    expect(first.hits.map((h) => h.title)).not.toContain("Compost secrets");
    const second = searchItems(db, null, { q: "compost", page: 2 });
    expect(second.hits[0]!.title).toBe(`Note ${MAX_COUNTED - 15}`);
    // Fewer matches than the cap are counted exactly.
    expect(searchItems(db, null, { q: "rota" }).total).toBe(1);
  });

  it("keeps its index of titles in step with edits, deletions and upgraded databases", async () => {
    const { db, alice, open, post } = await setUp();
    const inTitles = (word: string) =>
      db.$client
        .prepare("SELECT rowid FROM items_title_fts WHERE items_title_fts MATCH ?")
        .pluck()
        .all(word);
    const item = post(open, "Compost rota", "Who turns the heap?");
    const other = post(open, "Leaves", "Compost them.");
    expect(inTitles("compost")).toEqual([item.id]);
    editItem(db, item, alice.actor.id, { title: "Mulch rota", body: "Who turns the heap?" });
    expect(inTitles("compost")).toEqual([]);
    expect(inTitles("mulch")).toEqual([item.id]);
    deleteItem(db, item, alice.actor.id);
    expect(inTitles("mulch")).toEqual([]);
    expect(inTitles("leaves")).toEqual([other.id]);
    // A SQLite database from before the index: filled once, at start-up. (PostgreSQL's are
    // made by its migrations; test/db/postgres-schema.test.ts fills one made after rows exist.)
    if (TEST_DATABASE === "postgres") return;
    db.$client.exec(`DROP TABLE items_title_fts; DROP TRIGGER items_title_fts_insert;
      DROP TRIGGER items_title_fts_update; DROP TRIGGER items_title_fts_delete`);
    ensureSearchIndex(db);
    expect(inTitles("leaves")).toEqual([other.id]);
  });
});
