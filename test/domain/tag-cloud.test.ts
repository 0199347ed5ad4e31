import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { composeItem, deleteItem, type ItemRow } from "../../src/domain/items.ts";
import { decideMembership, leaveGroup, requestMembership } from "../../src/domain/membership.ts";
import { removeItem } from "../../src/domain/moderation/content.ts";
import { tagCloud } from "../../src/domain/tag-cloud.ts";
import { addTag } from "../../src/domain/tags.ts";
import { visibleItemSql } from "../../src/domain/visible-items.ts";
import { freshDb } from "../helpers/db.ts";

// Signed-in clouds are put together from parts kept until the database changes (public
// counts, each community's non-public counts and cross-posts) plus the viewer's memberships
// and own unlisted items. Every cloud here is compared with the plain definition: the tags on
// the items the viewer may see (visibleItemSql, the rule canView follows), counted afresh.

const ORIGIN = "https://copse.test";

let db: Db;
const people: Record<string, number> = {};
const actors: Record<string, ActorRow> = {};
const groups: Record<string, number> = {};

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

let secretPost: ItemRow;

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
  post("alice", [open], ["housing", "parks"]);
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
