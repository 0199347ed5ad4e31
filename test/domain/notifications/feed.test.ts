import { describe, expect, it } from "vitest";
import { createAccount } from "../../../src/domain/accounts.ts";
import { createCommunity } from "../../../src/domain/communities.ts";
import { composeItem } from "../../../src/domain/items.ts";
import { decideMembership, requestMembership } from "../../../src/domain/membership.ts";
import { removeItem } from "../../../src/domain/moderation/content.ts";
import { dismissReport, fileReport } from "../../../src/domain/moderation/reports.ts";
import { notificationsFor } from "../../../src/domain/notifications/feed.ts";
import {
  markNotificationsSeen,
  unreadNotificationCount,
} from "../../../src/domain/notifications/reads.ts";
import { freshDb } from "../../helpers/db.ts";

const ORIGIN = "https://copse.test";

async function setUp() {
  const db = freshDb();
  const person = (handle: string) =>
    createAccount(db, ORIGIN, { handle, email: `${handle}@e.org`, password: "correct horse" });
  const alice = await person("alice");
  const bob = await person("bob");
  const carol = await person("carol");
  const group = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle,
      description: "",
      visibility,
      ownerActorId: alice.actor.id,
    }).actor;
  return {
    db,
    alice,
    bob,
    carol,
    garden: group("garden", "public"),
    council: group("council", "private"),
  };
}

const kinds = (list: { kind: string }[]) => list.map((n) => n.kind).sort();

describe("notifications", () => {
  it("tells a facilitator of requests and reports, and the requester of the answer", async () => {
    const { db, alice, bob, carol, garden, council } = await setUp();
    requestMembership(db, { groupId: council.id, memberId: bob.actor.id });
    requestMembership(db, { groupId: garden.id, memberId: carol.actor.id });
    const topic = composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Hello",
      body: "Hi",
    });
    fileReport(db, {
      reporterId: carol.actor.id,
      groupId: garden.id,
      itemId: topic.id,
      reason: "Hm",
    });
    expect(kinds(notificationsFor(db, alice.actor.id))).toEqual(["join-request", "report"]);
    expect(notificationsFor(db, bob.actor.id)).toHaveLength(0);
    // Joining a public community at once is not news for Carol.
    expect(notificationsFor(db, carol.actor.id)).toHaveLength(0);

    decideMembership(db, {
      groupId: council.id,
      memberId: bob.actor.id,
      byActorId: alice.actor.id,
      approve: true,
    });
    expect(notificationsFor(db, bob.actor.id)).toMatchObject([
      { kind: "request-decided", detail: "accepted", groupId: council.id },
    ]);
    // The request is no longer waiting for Alice.
    expect(kinds(notificationsFor(db, alice.actor.id))).toEqual(["report"]);
  });

  it("tells an author of replies and removals with the reason, and a reporter of the outcome", async () => {
    const { db, alice, bob, carol, garden } = await setUp();
    requestMembership(db, { groupId: garden.id, memberId: bob.actor.id });
    requestMembership(db, { groupId: garden.id, memberId: carol.actor.id });
    const topic = composeItem(db, ORIGIN, {
      kind: "topic",
      author: bob.actor,
      groups: [garden],
      title: "Slugs",
      body: "Beer traps",
    });
    composeItem(db, ORIGIN, {
      kind: "reply",
      author: carol.actor,
      groups: [garden],
      parent: topic,
      body: "Yes",
    });
    const report = fileReport(db, {
      reporterId: carol.actor.id,
      groupId: garden.id,
      itemId: topic.id,
      reason: "Cruel",
    });
    removeItem(db, {
      item: topic,
      groupId: garden.id,
      byActorId: alice.actor.id,
      reason: "Cruel to slugs",
    });
    expect(kinds(notificationsFor(db, bob.actor.id))).toEqual(["removal", "reply"]);
    expect(notificationsFor(db, bob.actor.id).find((n) => n.kind === "removal")?.detail).toBe(
      "Cruel to slugs",
    );
    expect(notificationsFor(db, carol.actor.id)).toMatchObject([
      { kind: "report-outcome", detail: "removed", reportId: report.id },
    ]);
    const other = fileReport(db, {
      reporterId: bob.actor.id,
      groupId: garden.id,
      targetActorId: carol.actor.id,
      reason: "Rude",
    });
    dismissReport(db, { report: other, byActorId: alice.actor.id, note: "Not rude" });
    expect(
      notificationsFor(db, bob.actor.id).find((n) => n.kind === "report-outcome")?.detail,
    ).toBe("dismissed");
  });

  it("counts only what arrived since the person last looked", async () => {
    const { db, alice, bob, council } = await setUp();
    requestMembership(db, { groupId: council.id, memberId: bob.actor.id });
    expect(unreadNotificationCount(db, alice.actor.id)).toBe(1);
    markNotificationsSeen(db, alice.actor.id, new Date(Date.now() + 1000));
    expect(unreadNotificationCount(db, alice.actor.id)).toBe(0);
    expect(notificationsFor(db, alice.actor.id)).toHaveLength(1);
  });
});
