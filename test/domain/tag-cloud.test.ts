import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { addItemGroups, composeEntry, editEntry } from "../../src/domain/blog.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import {
  composeItem,
  deleteItem,
  getItem,
  type ItemRow,
  unlinkItemFromGroup,
} from "../../src/domain/items.ts";
import { decideMembership, leaveGroup, requestMembership } from "../../src/domain/membership.ts";
import { removeItem, restoreItem } from "../../src/domain/moderation/content.ts";
import { tagCloud } from "../../src/domain/tag-cloud.ts";
import { addTag, removeTag } from "../../src/domain/tags.ts";
import { visibleItemSql } from "../../src/domain/visible-items.ts";
import { freshDb } from "../helpers/db.ts";
import { FRESH_TAG_COUNTS, KEPT_TAG_COUNTS } from "../helpers/tag-counts.ts";
import { TEST_DATABASE } from "../helpers/test-database.ts";

// Signed-in clouds are put together from parts kept until the database changes (public
// counts, each community's non-public counts and cross-posts) plus the viewer's memberships
// and own unlisted items. Every cloud here is compared with the plain definition: the tags on
// the items the viewer may see (visibleItemSql, the rule canView follows), counted afresh.

const ORIGIN = "https://copse.test";

let db: Db;
const people: Record<string, number> = {};
const actors: Record<string, ActorRow> = {};
const groups: Record<string, number> = {};
const communities: Record<string, ActorRow> = {};

/** Tag names and counts by name, counted from the items the viewer may see. */
function expected(viewer: number | undefined, group?: number): [string, number][] {
  const inGroup =
    group === undefined
      ? ""
      : "AND EXISTS (SELECT 1 FROM item_groups ig WHERE ig.item_id = i.id AND ig.group_id = @group)";
  const rows = db.$client
    .prepare(
      `SELECT t.name, COUNT(DISTINCT tg.item_id) AS count
       FROM taggings tg JOIN tags t ON t.id = tg.tag_id JOIN items i ON i.id = tg.item_id
       WHERE ${visibleItemSql("i")} ${inGroup} GROUP BY t.id`,
    )
    .all({ viewer: viewer ?? -1, group: group ?? null }) as { name: string; count: number }[];
  return rows
    .map((r): [string, number] => [r.name, Number(r.count)])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

const cloud = (viewer: number | undefined, group?: number) =>
  tagCloud(db, viewer, { groupId: group, limit: 100 }).map((t): [string, number] => [
    t.name,
    t.count,
  ]);

/** Every viewer's cloud, site-wide and in every community, against the definition. */
function expectEveryCloudRight() {
  for (const viewer of [undefined, ...Object.values(people)]) {
    for (const group of [undefined, ...Object.values(groups)]) {
      expect(cloud(viewer, group), `viewer ${viewer}, group ${group}`).toEqual(
        expected(viewer, group),
      );
    }
  }
}

/**
 * The counts the triggers keep (src/db/tag-counts.ts) against the same counted afresh from
 * the items themselves (not item_groups' copies), and the cross-post marks against the links.
 */
function expectCountsKept() {
  const rows = (sql: string) =>
    (db.$client.prepare(sql).all() as Record<string, unknown>[]).map((r) =>
      Object.values(r).map(Number),
    );
  const kept = rows(KEPT_TAG_COUNTS);
  const afresh = rows(FRESH_TAG_COUNTS);
  expect(kept).toEqual(afresh);
  const marks = rows(
    `SELECT item_id, group_id, cross_posted,
       CASE WHEN (SELECT count(*) FROM item_groups o WHERE o.item_id = ig.item_id) > 1
         THEN 1 ELSE 0 END AS expected
     FROM item_groups ig ORDER BY item_id, group_id`,
  );
  for (const [item, group, mark, expected] of marks) {
    expect(mark, `cross_posted of item ${item} in ${group}`).toBe(expected);
  }
}

/** Both checks: the kept counts, and every cloud made from them. */
function expectAllRight() {
  expectCountsKept();
  expectEveryCloudRight();
}

let secretPost: ItemRow;
let openPost: ItemRow;

beforeAll(async () => {
  db = freshDb();
  for (const handle of ["alice", "bob", "carol", "dan", "eve"]) {
    const account = await createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
    people[handle] = account.actor.id;
    actors[handle] = account.actor;
  }
  const alice = people.alice!;
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle,
      description: "",
      visibility,
      ownerActorId: alice,
    }).actor;
  const open = community("open", "public");
  const secret = community("secret", "private");
  const club = community("club", "private");
  groups.open = open.id;
  groups.secret = secret.id;
  groups.club = club.id;
  Object.assign(communities, { open, secret, club });
  const join = (group: number, who: string) => {
    const m = requestMembership(db, { groupId: group, memberId: people[who]! });
    if (m.state === "pending")
      decideMembership(db, {
        groupId: group,
        memberId: people[who]!,
        byActorId: alice,
        approve: true,
      });
  };
  join(open.id, "bob");
  join(secret.id, "bob");
  join(secret.id, "carol");
  join(club.id, "carol");
  join(club.id, "eve");
  // Dan is signed in but a member of nothing.
  const post = (
    author: "alice" | "bob" | "carol",
    in_: (typeof open)[],
    tags: string[],
    status: "published" | "draft" = "published",
  ) => {
    const item = composeItem(db, ORIGIN, {
      kind: "topic",
      author: actors[author]!,
      groups: in_,
      title: tags.join(" "),
      body: "text",
      status,
    });
    for (const tag of tags) addTag(db, item, people[author]!, tag);
    return item;
  };
  openPost = post("alice", [open], ["housing", "parks"]);
  post("bob", [open], ["housing"]);
  secretPost = post("bob", [secret], ["secretword", "housing"]);
  post("alice", [secret], ["secretword"]);
  // Members-only and linked to two private communities: Carol, in both, counts it once.
  post("alice", [secret, club], ["shared"]);
  // Linked to the public community and a private one, so members-only: members of either see it.
  post("alice", [open, secret], ["allotments"]);
  post("bob", [open], ["zoning"], "draft");
  post("carol", [club], ["clubdraft"], "draft");
  const removed = post("alice", [open], ["gone"]);
  removeItem(db, { item: removed, groupId: open.id, byActorId: alice, reason: "r" });
  const deleted = post("alice", [secret], ["gone"]);
  deleteItem(db, deleted, alice);
});

describe("tag clouds for signed-in viewers", () => {
  it("count what each viewer may see, site-wide and in each community", () => {
    expect(expected(people.carol, undefined)).toContainEqual(["shared", 1]);
    expect(expected(people.carol, groups.open)).toContainEqual(["allotments", 1]);
    expectEveryCloudRight();
  });

  it("never show a private community's tags to anyone outside it, cached or not", () => {
    // Bob's clouds (which hold the secret community's counts) are counted first, then Dan's.
    expect(cloud(people.bob).map(([name]) => name)).toContain("secretword");
    expect(cloud(people.bob, groups.secret).map(([name]) => name)).toContain("secretword");
    for (const group of [undefined, ...Object.values(groups)]) {
      for (const viewer of [people.dan, people.eve, undefined]) {
        const names = cloud(viewer, group).map(([name]) => name);
        expect(names).not.toContain("secretword");
        expect(names).not.toContain("zoning");
      }
    }
    expect(cloud(people.dan, groups.secret)).toEqual([]);
    expect(cloud(people.eve, groups.secret)).toEqual([["shared", 1]]);
  });

  it("follow someone leaving, who keeps seeing only their own items", () => {
    leaveGroup(db, groups.secret!, people.bob!);
    // His own post stays his to see; Alice's there goes, and the cross-post with the open
    // community stays through it.
    expect(secretPost.authorId).toBe(people.bob);
    expect(cloud(people.bob)).toContainEqual(["secretword", 1]);
    expect(cloud(people.bob, groups.secret)).toEqual([
      ["allotments", 1],
      ["housing", 1],
      ["secretword", 1],
    ]);
    leaveGroup(db, groups.secret!, people.carol!);
    expect(cloud(people.carol).map(([name]) => name)).not.toContain("secretword");
    expectEveryCloudRight();
  });
});

describe("tag counts kept by triggers", () => {
  const item = (row: ItemRow) => getItem(db, row.id)!;
  const alice = () => people.alice!;
  const open = () => ({ id: groups.open! });

  it("start equal to a fresh count", () => {
    expectCountsKept();
    // Carol comes back to the secret community (she left it above), to see into both.
    requestMembership(db, { groupId: groups.secret!, memberId: people.carol! });
    decideMembership(db, {
      groupId: groups.secret!,
      memberId: people.carol!,
      byActorId: alice(),
      approve: true,
    });
    expectAllRight();
  });

  it("follow tags added and removed, counting an item once however many put a tag on it", () => {
    addTag(db, item(openPost), people.bob!, "housing");
    addTag(db, item(openPost), people.bob!, "newtag");
    expect(cloud(undefined, groups.open)).toContainEqual(["newtag", 1]);
    expectAllRight();
    // Bob takes his own tagging of "housing" away; Alice's stays.
    removeTag(db, item(openPost), people.bob!, "housing");
    expect(cloud(undefined, groups.open)).toContainEqual(["housing", 2]);
    expectAllRight();
    // A facilitator takes "parks" away altogether, everyone's taggings of it at once.
    addTag(db, item(openPost), people.bob!, "parks");
    removeTag(db, item(openPost), alice(), "parks");
    expect(cloud(undefined).map(([name]) => name)).not.toContain("parks");
    expectAllRight();
  });

  it("follow a draft published, linked to a second community, withdrawn and made public", () => {
    const fields = (groupIds: number[], status: "draft" | "published") => ({
      title: "An entry",
      summary: "",
      body: "text",
      groupIds,
      status,
    });
    const draft = composeEntry(db, ORIGIN, actors.alice!, fields([groups.secret!], "draft"));
    addTag(db, draft, alice(), "blogword");
    expectAllRight();
    // Published into the private community: members-only, counted for its members.
    const published = editEntry(
      db,
      ORIGIN,
      item(draft),
      alice(),
      fields([groups.secret!], "published"),
    );
    expect(published.after.visibility).toBe("members");
    expect(cloud(people.carol, groups.secret)).toContainEqual(["blogword", 1]);
    expectAllRight();
    // Linked to a second private community: Carol, in both, counts it once.
    editEntry(
      db,
      ORIGIN,
      item(draft),
      alice(),
      fields([groups.secret!, groups.club!], "published"),
    );
    expect(cloud(people.carol)).toContainEqual(["blogword", 1]);
    expect(cloud(people.eve, groups.secret)).toContainEqual(["blogword", 1]);
    expectAllRight();
    // Withdrawn (a draft again), then published publicly in the open community alone.
    editEntry(db, ORIGIN, item(draft), alice(), fields([groups.secret!, groups.club!], "draft"));
    expect(cloud(people.carol).map(([name]) => name)).not.toContain("blogword");
    expectAllRight();
    editEntry(db, ORIGIN, item(draft), alice(), fields([groups.open!], "published"));
    expect(cloud(undefined)).toContainEqual(["blogword", 1]);
    expectAllRight();
  });

  it("follow an item linked to another community and taken out of it", () => {
    addItemGroups(db, openPost.id, [groups.club!]);
    expect(cloud(undefined, groups.club)).toContainEqual(["newtag", 1]);
    expectAllRight();
    expect(unlinkItemFromGroup(db, item(openPost), groups.club!)).toBe(1);
    expect(cloud(undefined, groups.club)).toEqual([]);
    expectAllRight();
  });

  it("follow a facilitator removing and restoring an item, and its author deleting it", () => {
    const action = () => ({
      item: item(openPost),
      groupId: open().id,
      byActorId: alice(),
      reason: "r",
    });
    removeItem(db, action());
    expect(cloud(undefined).map(([name]) => name)).not.toContain("newtag");
    expectAllRight();
    restoreItem(db, action());
    expect(cloud(undefined)).toContainEqual(["newtag", 1]);
    expectAllRight();
    deleteItem(db, item(openPost), alice());
    expect(cloud(undefined).map(([name]) => name)).not.toContain("newtag");
    expectAllRight();
  });

  it("follow items and tags deleted outright, whatever order the cascades take", () => {
    // Rows deleted by SQL (a purge, or an account's items going with it): the deletion
    // cascades to the taggings and links, which the triggers see after the item row is gone.
    const everywhere = composeItem(db, ORIGIN, {
      kind: "topic",
      author: actors.alice!,
      groups: [communities.open!],
      title: "Public, in two communities",
      body: "text",
    });
    addItemGroups(db, everywhere.id, [groups.club!]);
    addTag(db, everywhere, alice(), "purged");
    expect(cloud(undefined)).toContainEqual(["purged", 1]);
    expectAllRight();
    for (const id of [everywhere.id, secretPost.id]) {
      db.$client.prepare("DELETE FROM items WHERE id = ?").run(id);
    }
    expect(cloud(undefined).map(([name]) => name)).not.toContain("purged");
    expect(cloud(people.bob, groups.open).map(([name]) => name)).not.toContain("secretword");
    expectAllRight();
    db.$client.prepare("DELETE FROM tags WHERE name = ?").run("allotments");
    expectAllRight();
    // No code moves a tagging to another tag, but SQL could (a merge of two tags).
    db.$client
      .prepare(
        `UPDATE taggings SET tag_id = (SELECT id FROM tags WHERE name = 'housing')
         WHERE tag_id = (SELECT id FROM tags WHERE name = 'shared')`,
      )
      .run();
    expect(cloud(people.carol).map(([name]) => name)).not.toContain("shared");
    expectAllRight();
  });

  it("are counted afresh by a start that finds their triggers missing (an upgrade)", () => {
    db.$client.prepare("DELETE FROM tag_counts").run();
    db.$client.prepare("UPDATE item_groups SET cross_posted = 0").run();
    const on = TEST_DATABASE === "postgres" ? " ON items" : "";
    db.$client.exec(`DROP TRIGGER tag_counts_item_delete${on}`);
    // A database from before the tag counts has no mark of the current derived objects
    // either (src/db/postgres/derived-objects.ts).
    if (TEST_DATABASE === "postgres")
      db.$client.exec("COMMENT ON TRIGGER copse_changes ON items IS NULL");
    runMigrations(db);
    expectAllRight();
    expect(cloud(undefined).length).toBeGreaterThan(0);
  });
});
