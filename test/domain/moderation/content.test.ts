import { describe, expect, it } from "vitest";
import { createAccount } from "../../../src/domain/accounts.ts";
import { createCommunity } from "../../../src/domain/communities.ts";
import { ForbiddenError } from "../../../src/domain/errors.ts";
import { listTopics, recentInGroup } from "../../../src/domain/forum.ts";
import { canView, composeItem, getItem } from "../../../src/domain/items.ts";
import { requestMembership } from "../../../src/domain/membership.ts";
import {
  removeItem,
  restoreItem,
  setTopicLocked,
  setTopicPinned,
} from "../../../src/domain/moderation/content.ts";
import { listModerationLog } from "../../../src/domain/moderation/log.ts";
import { searchItems } from "../../../src/domain/search.ts";
import { freshDb } from "../../helpers/db.ts";

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
  const carol = await person("carol");
  const garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
  requestMembership(db, { groupId: garden.actor.id, memberId: bob.actor.id });
  requestMembership(db, { groupId: garden.actor.id, memberId: carol.actor.id });
  const topic = (title: string) =>
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: bob.actor,
      groups: [garden.actor],
      title,
      body: `About ${title}`,
    });
  return { db, alice, bob, carol, garden, g: garden.actor.id, topic };
}

describe("moderating content", () => {
  it("removes an item from view, lists and search, and restores it as it was", async () => {
    const { db, alice, carol, g, topic } = await setUp();
    const t = topic("Compost");
    removeItem(db, { item: t, groupId: g, byActorId: alice.actor.id, reason: "Off topic" });
    const removed = getItem(db, t.id)!;
    expect(canView(db, removed, carol.actor.id)).toBe(false);
    expect(listTopics(db, g, { sort: "current", page: 1, pageSize: 10 }).total).toBe(0);
    expect(recentInGroup(db, g)).toHaveLength(0);
    expect(searchItems(db, carol.actor.id, { q: "Compost" }).total).toBe(0);
    restoreItem(db, {
      item: removed,
      groupId: g,
      byActorId: alice.actor.id,
      reason: "On reflection",
    });
    const back = getItem(db, t.id)!;
    expect(back.bodyHtml).toContain("About Compost");
    expect(canView(db, back, carol.actor.id)).toBe(true);
    expect(listTopics(db, g, { sort: "current", page: 1, pageSize: 10 }).total).toBe(1);
  });

  it("refuses a member's removal, lock and pin and changes nothing", async () => {
    const { db, carol, g, topic } = await setUp();
    const t = topic("Leaves");
    const input = { item: t, groupId: g, byActorId: carol.actor.id, reason: "Mine now" };
    expect(() => removeItem(db, input)).toThrow(ForbiddenError);
    expect(() => setTopicLocked(db, { ...input, locked: true })).toThrow(ForbiddenError);
    expect(() => setTopicPinned(db, { ...input, pinned: true })).toThrow(ForbiddenError);
    const after = getItem(db, t.id)!;
    expect([after.removedAt, after.lockedAt, after.pinnedAt]).toEqual([null, null, null]);
    expect(listModerationLog(db, g, { page: 1, pageSize: 10 }).total).toBe(0);
  });

  it("locks a topic against new replies, and pins topics first", async () => {
    const { db, alice, bob, garden, g, topic } = await setUp();
    const first = topic("Hedges");
    topic("Lawns");
    setTopicLocked(db, {
      item: first,
      groupId: g,
      byActorId: alice.actor.id,
      locked: true,
      reason: "Settled",
    });
    expect(() =>
      composeItem(db, ORIGIN, {
        kind: "reply",
        author: bob.actor,
        groups: [garden.actor],
        parent: getItem(db, first.id)!,
        body: "One more thing",
      }),
    ).toThrow(ForbiddenError);
    setTopicPinned(db, {
      item: getItem(db, first.id)!,
      groupId: g,
      byActorId: alice.actor.id,
      pinned: true,
      reason: "",
    });
    const listed = listTopics(db, g, { sort: "current", page: 1, pageSize: 10 });
    expect(listed.topics.map((t) => t.topic.title)).toEqual(["Hedges", "Lawns"]);
  });
});
