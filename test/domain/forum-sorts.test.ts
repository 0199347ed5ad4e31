import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { listTopics, type TopicSort } from "../../src/domain/forum.ts";
import { composeItem, deleteItem, type ItemRow } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { removeItem, setTopicPinned } from "../../src/domain/moderation/content.ts";
import { freshDb } from "../helpers/db.ts";
import { TEST_DATABASE } from "../helpers/test-database.ts";

// The forum list sorted by title and "my topics" walk the community's copies of its topics'
// lower-cased titles and authors (item_groups, kept by triggers). Every page is compared with
// what the plain definition gives from the items table: the community's live topics (only the
// viewer's for "mine"), pinned ones first (most recently pinned at the top), then by title
// (ties by id) or by last activity, newest first.

const ORIGIN = "https://copse.test";

let db: Db;
let g: number;
let bobId: number;
let carolId: number;
let topics: ItemRow[];

/** The ids the list must show for a sort, from the items table alone. */
function expected(sort: Exclude<TopicSort, "current">, viewerId: number): number[] {
  const order = sort === "az" ? "lower(i.title), i.id" : "i.activity_at DESC, i.id DESC";
  return (
    db.$client
      .prepare(
        `SELECT i.id FROM items i JOIN item_groups ig ON ig.item_id = i.id
         WHERE ig.group_id = @group AND i.kind = 'topic' AND i.deleted_at IS NULL
           AND i.removed_at IS NULL ${sort === "mine" ? "AND i.author_id = @viewer" : ""}
         ORDER BY i.pinned_at IS NULL, i.pinned_at DESC, ${order}`,
      )
      .all({ group: g, viewer: viewerId }) as { id: number }[]
  ).map((r) => r.id);
}

/** Every page of the list, concatenated, checking the total on each. */
function listed(sort: TopicSort, viewerId: number, pageSize: number): number[] {
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const { topics: rows, total } = listTopics(db, g, { sort, viewerId, page, pageSize });
    expect(total).toBe(expected(sort === "current" ? "az" : sort, viewerId).length);
    if (rows.length === 0) return ids;
    ids.push(...rows.map((r) => r.topic.id));
  }
}

/** Whether every page of both sorts, at several page sizes, matches the definition. */
function expectListsRight() {
  for (const viewer of [bobId, carolId]) {
    for (const size of [1, 2, 3, 25]) {
      expect(listed("az", viewer, size)).toEqual(expected("az", viewer));
      expect(listed("mine", viewer, size)).toEqual(expected("mine", viewer));
    }
  }
}

const title = (id: number) => topics.find((t) => t.id === id)!.title;

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
  const carol = await person("carol");
  bobId = bob.actor.id;
  carolId = carol.actor.id;
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
  for (const group of [garden, orchard])
    for (const who of [bob, carol])
      requestMembership(db, { groupId: group.id, memberId: who.actor.id });
  // Mixed case and a repeated title, so the order is by the lower-cased title, ties by id.
  const titles = ["pears", "Apples", "cherries", "apples", "Damsons", "Figs", "elder", "Beans"];
  topics = titles.map((t, n) =>
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: n % 3 === 0 ? carol.actor : bob.actor,
      groups: [garden],
      title: t,
      body: `About ${t}`,
    }),
  );
  const base = Date.UTC(2026, 0, 1);
  for (const [n, t] of topics.entries())
    db.$client
      .prepare("UPDATE items SET activity_at = ? WHERE id = ?")
      .run(base + ((n * 5) % 7) * 60_000, t.id);
  // Another community's topic, by bob, is in neither list.
  composeItem(db, ORIGIN, {
    kind: "topic",
    author: bob.actor,
    groups: [orchard],
    title: "Aardvarks",
    body: "Elsewhere",
  });
  const action = (t: ItemRow) => ({ item: t, groupId: g, byActorId: alice.actor.id, reason: "r" });
  setTopicPinned(db, { ...action(topics[0]!), pinned: true });
  setTopicPinned(db, { ...action(topics[3]!), pinned: true });
  db.$client.prepare("UPDATE items SET pinned_at = ? WHERE id = ?").run(base, topics[3]!.id);
  removeItem(db, action(topics[4]!));
  deleteItem(db, topics[5]!, bob.actor.id);
});

describe("the forum list by title", () => {
  it("pages through live topics, pinned first, then A to Z whatever the case", () => {
    const ids = expected("az", bobId);
    expect(ids.map(title)).toEqual(["pears", "apples", "Apples", "Beans", "cherries", "elder"]);
    expectListsRight();
  });

  it("follows a new title, a pin, a removal undone and a deletion as they happen", () => {
    db.$client.prepare("UPDATE items SET title = 'Zucchini' WHERE id = ?").run(topics[1]!.id);
    topics[1] = { ...topics[1]!, title: "Zucchini" };
    db.$client.prepare("UPDATE items SET pinned_at = NULL WHERE id = ?").run(topics[0]!.id);
    db.$client.prepare("UPDATE items SET removed_at = NULL WHERE id = ?").run(topics[4]!.id);
    db.$client
      .prepare("UPDATE items SET deleted_at = ? WHERE id = ?")
      .run(Date.now(), topics[7]!.id);
    expect(expected("az", bobId).map(title)).toEqual([
      "apples",
      "cherries",
      "Damsons",
      "elder",
      "pears",
      "Zucchini",
    ]);
    expectListsRight();
  });
});

describe("my topics", () => {
  it("lists the viewer's own live topics in this community, pinned first, and counts them", () => {
    const bobs = expected("mine", bobId);
    const carols = expected("mine", carolId);
    expect(bobs.length).toBeGreaterThan(1);
    expect(carols[0]).toBe(topics[3]!.id);
    for (const id of bobs) expect(topics.find((t) => t.id === id)!.authorId).toBe(bobId);
    expect(bobs.some((id) => carols.includes(id))).toBe(false);
    expect(listTopics(db, g, { sort: "mine", viewerId: carolId, page: 1, pageSize: 1 }).total).toBe(
      carols.length,
    );
    expectListsRight();
  });

  it("is empty for someone with no topics here", () => {
    const none = listTopics(db, g, { sort: "mine", viewerId: -1, page: 1, pageSize: 10 });
    expect(none).toEqual({ topics: [], total: 0 });
  });
});

// An update trigger from before the title and author were copied (watching the pin alone) is
// put back, as an upgraded database would have it (on PostgreSQL without the mark of current
// derived objects: src/db/postgres/derived-objects.ts), and the copies emptied; starting again
// (runMigrations: src/db/item-group-keys.ts on SQLite, src/db/postgres/item-group-keys.ts on
// PostgreSQL) must replace the trigger and fill the copies.
const OLD_TRIGGER =
  TEST_DATABASE === "postgres"
    ? `DROP TRIGGER item_groups_keys_update ON items;
      CREATE TRIGGER item_groups_keys_update AFTER UPDATE OF pinned_at ON items
        FOR EACH ROW EXECUTE FUNCTION item_groups_keys_item_changed();
      COMMENT ON TRIGGER copse_changes ON items IS NULL`
    : `DROP TRIGGER item_groups_keys_update;
      CREATE TRIGGER item_groups_keys_update AFTER UPDATE OF pinned_at ON items BEGIN
        UPDATE item_groups SET pinned_at = new.pinned_at WHERE item_id = new.id;
      END`;

describe("the title and author copies", () => {
  it("are filled, and kept, when triggers from before they were copied are found", () => {
    const az = expected("az", bobId);
    db.$client.exec(OLD_TRIGGER);
    db.$client.exec("UPDATE item_groups SET title_key = NULL, author_id = NULL");
    runMigrations(db);
    expect(listed("az", bobId, 2)).toEqual(az);
    expectListsRight();
    // The replaced trigger copies a new title.
    db.$client.prepare("UPDATE items SET title = 'Aaa' WHERE id = ?").run(topics[6]!.id);
    topics[6] = { ...topics[6]!, title: "Aaa" };
    const first = listTopics(db, g, { sort: "az", viewerId: bobId, page: 1, pageSize: 2 });
    expect(first.topics.map((t) => t.topic.title)).toEqual(["apples", "Aaa"]);
    expectListsRight();
  });
});
