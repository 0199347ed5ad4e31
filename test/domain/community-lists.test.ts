import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { ensureItemGroupKeys } from "../../src/db/item-group-keys.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { listTopics, recentInGroup } from "../../src/domain/forum.ts";
import { composeItem, deleteItem, type ItemRow } from "../../src/domain/items.ts";
import { listMembersPage } from "../../src/domain/member-list.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { removeItem, setTopicPinned } from "../../src/domain/moderation/content.ts";
import { freshDb } from "../helpers/db.ts";
import { TEST_DATABASE } from "../helpers/test-database.ts";

// The forum list and "what's new" read a community's copy of its items' keys (item_groups,
// kept by triggers) and walk it in order. These tests compare every page with what the plain
// definition gives: every live topic of the community, pinned ones first (most recently pinned
// at the top), then by last activity, newest first; every live published item by publication.

const ORIGIN = "https://copse.test";

let db: Db;
let g: number;
let other: number;
let topics: ItemRow[];

/** The topic ids in the order the forum list must show them, from the items table alone. */
function expectedTopicOrder(): number[] {
  return (
    db.$client
      .prepare(
        `SELECT i.id FROM items i JOIN item_groups ig ON ig.item_id = i.id
         WHERE ig.group_id = ? AND i.kind = 'topic' AND i.deleted_at IS NULL
           AND i.removed_at IS NULL
         ORDER BY i.pinned_at IS NULL, i.pinned_at DESC, i.activity_at DESC, i.id DESC`,
      )
      .all(g) as { id: number }[]
  ).map((r) => r.id);
}

/** The item ids "what's new" must show, from the items table alone. */
function expectedRecent(limit: number): number[] {
  return (
    db.$client
      .prepare(
        `SELECT i.id FROM items i JOIN item_groups ig ON ig.item_id = i.id
         WHERE ig.group_id = ? AND i.deleted_at IS NULL AND i.removed_at IS NULL
           AND i.status = 'published'
         ORDER BY i.published_at DESC, i.id DESC LIMIT ?`,
      )
      .all(g, limit) as { id: number }[]
  ).map((r) => r.id);
}

/** Every page of the forum list, concatenated. */
function listedTopics(pageSize: number): number[] {
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const { topics: rows, total } = listTopics(db, g, { sort: "current", page, pageSize });
    expect(total).toBe(expectedTopicOrder().length);
    if (rows.length === 0) return ids;
    ids.push(...rows.map((r) => r.topic.id));
  }
}

/** Sets when an item was published and last active, as an import or a remote copy would. */
function setTimes(id: number, at: number) {
  db.$client
    .prepare("UPDATE items SET published_at = ?, activity_at = ? WHERE id = ?")
    .run(at, at, id);
}

beforeAll(async () => {
  db = freshDb();
  const person = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
  const alice = await person("alice");
  const bob = await person("bob");
  const community = (handle: string) =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle,
      description: "",
      visibility: "public",
      ownerActorId: alice.actor.id,
    }).actor;
  const garden = community("garden");
  const orchard = community("orchard");
  g = garden.id;
  other = orchard.id;
  requestMembership(db, { groupId: g, memberId: bob.actor.id });
  requestMembership(db, { groupId: other, memberId: bob.actor.id });
  const post = (kind: "topic" | "entry", title: string, groups = [garden]) =>
    composeItem(db, ORIGIN, { kind, author: bob.actor, groups, title, body: `About ${title}` });
  topics = Array.from({ length: 9 }, (_, n) => post("topic", `Topic ${n}`));
  // Publication times out of id order, with ties, as remote items arrive.
  const base = Date.UTC(2026, 0, 1);
  for (const [n, t] of topics.entries()) setTimes(t.id, base + ((n * 7) % 5) * 60_000);
  const entry = post("entry", "Both", [garden, orchard]);
  setTimes(entry.id, base + 3 * 60_000 + 1);
  post("topic", "Elsewhere", [orchard]);
  // A reply makes its topic the most recently active.
  composeItem(db, ORIGIN, {
    kind: "reply",
    author: bob.actor,
    groups: [garden],
    parent: topics[2]!,
    body: "A reply",
  });
  const action = (t: ItemRow) => ({ item: t, groupId: g, byActorId: alice.actor.id, reason: "r" });
  setTopicPinned(db, { ...action(topics[5]!), pinned: true });
  setTopicPinned(db, { ...action(topics[1]!), pinned: true });
  db.$client.prepare("UPDATE items SET pinned_at = ? WHERE id = ?").run(base, topics[1]!.id);
  removeItem(db, action(topics[3]!));
  deleteItem(db, topics[4]!, bob.actor.id);
});

describe("a community's forum list", () => {
  it("pages through live topics, pinned first, then by last activity", () => {
    const expected = expectedTopicOrder();
    expect(expected).toHaveLength(7);
    expect(expected.slice(0, 2)).toEqual([topics[5]!.id, topics[1]!.id]);
    expect(expected[2]).toBe(topics[2]!.id);
    for (const size of [1, 2, 3, 10]) expect(listedTopics(size)).toEqual(expected);
  });

  it("follows pins, removals and new activity as they happen", () => {
    const before = expectedTopicOrder();
    db.$client.prepare("UPDATE items SET pinned_at = NULL WHERE id = ?").run(topics[5]!.id);
    db.$client.prepare("UPDATE items SET removed_at = NULL WHERE id = ?").run(topics[3]!.id);
    setTimes(topics[8]!.id, Date.UTC(2027, 0, 1));
    const after = expectedTopicOrder();
    expect(after).not.toEqual(before);
    expect(after[1]).toBe(topics[8]!.id);
    expect(listedTopics(2)).toEqual(after);
  });
});

describe("a community's newest items", () => {
  it("lists live published items newest first, cross-posted ones in each community", () => {
    for (const limit of [1, 3, 20]) {
      expect(recentInGroup(db, g, limit).map((r) => r.item.id)).toEqual(expectedRecent(limit));
    }
    const elsewhere = recentInGroup(db, other, 10).map((r) => r.item.title);
    expect(elsewhere).toEqual(["Elsewhere", "Both"]);
    const reply = recentInGroup(db, g, 20).find((r) => r.item.kind === "reply")!;
    expect(reply.rootTitle).toBe("Topic 2");
    expect(reply.rootKind).toBe("topic");
  });
});

// The triggers dropped and replaced here are SQLite's (src/db/item-group-keys.ts); PostgreSQL's
// (src/db/postgres/item-group-keys.ts) are made by its migrations, and the lists above, which
// read nothing but the copies, run on them in a PostgreSQL run.
describe.skipIf(TEST_DATABASE === "postgres")("the keys' copies", () => {
  it("are filled for rows written before the triggers existed", () => {
    const expected = expectedTopicOrder();
    db.$client.exec(`DROP TRIGGER item_groups_keys_insert; DROP TRIGGER item_groups_keys_update;
      UPDATE item_groups SET kind = NULL, status = NULL, published_at = NULL,
        activity_at = NULL, pinned_at = NULL, live = NULL`);
    expect(recentInGroup(db, g, 5)).toEqual([]);
    ensureItemGroupKeys(db);
    expect(listedTopics(4)).toEqual(expected);
    expect(recentInGroup(db, g, 5).map((r) => r.item.id)).toEqual(expectedRecent(5));
  });

  it("are refilled when an older version of the triggers is found", () => {
    db.$client.exec(`DROP TRIGGER item_groups_keys_update;
      CREATE TRIGGER item_groups_keys_update AFTER UPDATE OF pinned_at ON items BEGIN
        UPDATE item_groups SET pinned_at = new.pinned_at WHERE item_id = new.id;
      END;
      UPDATE item_groups SET visibility = NULL`);
    ensureItemGroupKeys(db);
    const unfilled = db.$client
      .prepare("SELECT count(*) FROM item_groups WHERE visibility IS NULL")
      .pluck()
      .get();
    expect(unfilled).toBe(0);
    // And kept in step from then on.
    setTimes(topics[6]!.id, Date.UTC(2028, 0, 1));
    expect(listedTopics(3)).toEqual(expectedTopicOrder());
    // Straight after the one pinned topic.
    expect(expectedTopicOrder().indexOf(topics[6]!.id)).toBe(1);
  });
});

describe("a community's members", () => {
  it("are kept between views only until someone joins or leaves", async () => {
    const page = () =>
      listMembersPage(db, other, { offset: 0, limit: 10 }).map((m) => m.member.handle);
    expect(page()).toEqual(["alice", "bob"]);
    expect(page()).toEqual(["alice", "bob"]);
    const carol = await createAccount(db, ORIGIN, {
      handle: "carol",
      email: "carol@e.org",
      password: "correct horse battery",
    });
    requestMembership(db, { groupId: other, memberId: carol.actor.id });
    expect(page()).toEqual(["alice", "bob", "carol"]);
  });
});
