import { describe, expect, it } from "vitest";
import { createAccount } from "../../../src/domain/accounts.ts";
import { createCommunity } from "../../../src/domain/communities.ts";
import { ConflictError, ForbiddenError, ValidationError } from "../../../src/domain/errors.ts";
import { blankEventForm, composeEvent, rsvp } from "../../../src/domain/events/events.ts";
import { canView, composeItem, getItem } from "../../../src/domain/items.ts";
import {
  findMembership,
  isActiveMember,
  isFacilitator,
  leaveGroup,
  requestMembership,
} from "../../../src/domain/membership.ts";
import {
  appointFacilitator,
  dismissFacilitator,
} from "../../../src/domain/moderation/facilitators.ts";
import { listModerationLog } from "../../../src/domain/moderation/log.ts";
import {
  banMember,
  isBanned,
  listMembersPage,
  removeMember,
  unbanMember,
} from "../../../src/domain/moderation/members.ts";
import { freshDb } from "../../helpers/db.ts";

const ORIGIN = "https://copse.test";

async function setUp() {
  const db = freshDb();
  const person = (handle: string, name = handle) =>
    createAccount(db, ORIGIN, {
      handle,
      name,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
  const alice = await person("alice", "Alice Ash");
  const bob = await person("bob", "Bob Birch");
  const carol = await person("carol", "Carol Cedar");
  const garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
  const g = garden.actor.id;
  requestMembership(db, { groupId: g, memberId: bob.actor.id });
  requestMembership(db, { groupId: g, memberId: carol.actor.id });
  return { db, alice, bob, carol, garden, g };
}

describe("removing and banning members", () => {
  it("bans a member: they cannot post or ask again, and leaving does not lift the ban", async () => {
    const { db, alice, bob, garden, g } = await setUp();
    const post = composeItem(db, ORIGIN, {
      kind: "topic",
      author: bob.actor,
      groups: [garden.actor],
      title: "Hello",
      body: "First",
    });
    const { removed } = banMember(db, {
      groupId: g,
      targetId: bob.actor.id,
      byActorId: alice.actor.id,
      reason: "Spam",
      until: null,
      removeContent: true,
    });
    expect(removed.map((i) => i.id)).toEqual([post.id]);
    expect(isBanned(db, g, bob.actor.id)).toBe(true);
    expect(isActiveMember(db, g, bob.actor.id)).toBe(false);
    expect(() =>
      composeItem(db, ORIGIN, {
        kind: "topic",
        author: bob.actor,
        groups: [garden.actor],
        title: "Again",
        body: "x",
      }),
    ).toThrow(ForbiddenError);
    expect(() => requestMembership(db, { groupId: g, memberId: bob.actor.id })).toThrow(
      ForbiddenError,
    );
    expect(() => leaveGroup(db, g, bob.actor.id)).toThrow();
    expect(isBanned(db, g, bob.actor.id)).toBe(true);
    // The removed post shows only to its author and the facilitators.
    const stored = getItem(db, post.id)!;
    expect(stored.removedReason).toBe("Spam");
    expect(canView(db, stored, null)).toBe(false);
    expect(canView(db, stored, bob.actor.id)).toBe(true);
    expect(canView(db, stored, alice.actor.id)).toBe(true);

    unbanMember(db, {
      groupId: g,
      targetId: bob.actor.id,
      byActorId: alice.actor.id,
      reason: "Sorted",
    });
    expect(requestMembership(db, { groupId: g, memberId: bob.actor.id }).state).toBe("active");
    const log = listModerationLog(db, g, { page: 1, pageSize: 10 });
    expect(log.entries.map((e) => e.entry.action)).toEqual(["unban", "remove-item", "ban"]);
    expect(log.entries[2]!.entry.reason).toBe("Spam");
    expect(log.entries[2]!.target?.handle).toBe("bob");
  });

  it("refuses a banned person's answer to a public event, which non-members may answer", async () => {
    const { db, alice, bob, carol, garden, g } = await setUp();
    const event = composeEvent(db, ORIGIN, {
      author: alice.actor,
      groups: [garden.actor],
      form: {
        ...blankEventForm(),
        title: "Open day",
        start: { day: "15", month: "7", year: "2031", time: "10am" },
        end: { day: "", month: "", year: "", time: "12pm" },
        locationName: "Hall",
      },
    });
    removeMember(db, {
      groupId: g,
      targetId: carol.actor.id,
      byActorId: alice.actor.id,
      reason: "Moved",
    });
    expect(rsvp(db, event, carol.actor, "going").status).toBe("going");
    banMember(db, {
      groupId: g,
      targetId: bob.actor.id,
      byActorId: alice.actor.id,
      reason: "Spam",
      until: null,
      removeContent: false,
    });
    expect(() => rsvp(db, event, bob.actor, "going")).toThrow(ForbiddenError);
  });

  it("lets a ban for a period run out", async () => {
    const { db, alice, bob, g } = await setUp();
    banMember(db, {
      groupId: g,
      targetId: bob.actor.id,
      byActorId: alice.actor.id,
      reason: "Cool off",
      until: new Date(Date.now() + 60_000),
      removeContent: false,
    });
    expect(isBanned(db, g, bob.actor.id)).toBe(true);
    expect(isBanned(db, g, bob.actor.id, new Date(Date.now() + 120_000))).toBe(false);
  });

  it("refuses a non-facilitator's ban and changes nothing", async () => {
    const { db, bob, carol, g } = await setUp();
    expect(() =>
      banMember(db, {
        groupId: g,
        targetId: carol.actor.id,
        byActorId: bob.actor.id,
        reason: "Because",
        until: null,
        removeContent: false,
      }),
    ).toThrow(ForbiddenError);
    expect(findMembership(db, g, carol.actor.id)?.state).toBe("active");
    expect(listModerationLog(db, g, { page: 1, pageSize: 10 }).total).toBe(0);
  });

  it("asks for a reason", async () => {
    const { db, alice, bob, g } = await setUp();
    expect(() =>
      removeMember(db, {
        groupId: g,
        targetId: bob.actor.id,
        byActorId: alice.actor.id,
        reason: " ",
      }),
    ).toThrow(ValidationError);
    expect(isActiveMember(db, g, bob.actor.id)).toBe(true);
  });

  it("removes a member, who may then join again", async () => {
    const { db, alice, bob, g } = await setUp();
    removeMember(db, {
      groupId: g,
      targetId: bob.actor.id,
      byActorId: alice.actor.id,
      reason: "Left the council",
    });
    expect(findMembership(db, g, bob.actor.id)).toBeUndefined();
    expect(requestMembership(db, { groupId: g, memberId: bob.actor.id }).state).toBe("active");
  });

  it("pages and searches members by name or handle", async () => {
    const { db, g } = await setUp();
    const all = listMembersPage(db, g, { filter: "active", page: 1, pageSize: 2 });
    expect(all.total).toBe(3);
    expect(all.members.map((m) => m.member.handle)).toEqual(["alice", "bob"]);
    const found = listMembersPage(db, g, {
      filter: "active",
      query: "cedar",
      page: 1,
      pageSize: 10,
    });
    expect(found.members.map((m) => m.member.handle)).toEqual(["carol"]);
    const byHandle = listMembersPage(db, g, {
      filter: "active",
      query: "@bob",
      page: 1,
      pageSize: 10,
    });
    expect(byHandle.members.map((m) => m.member.handle)).toEqual(["bob"]);
    expect(
      listMembersPage(db, g, { filter: "active", query: "%", page: 1, pageSize: 10 }).total,
    ).toBe(0);
  });
});

describe("co-facilitators", () => {
  it("appoints a co-facilitator, who cannot remove or ban the longer-serving creator", async () => {
    const { db, alice, bob, carol, g } = await setUp();
    appointFacilitator(db, {
      groupId: g,
      targetId: bob.actor.id,
      byActorId: alice.actor.id,
      reason: "Helps a lot",
    });
    expect(isFacilitator(db, g, bob.actor.id)).toBe(true);
    expect(() =>
      dismissFacilitator(db, {
        groupId: g,
        targetId: alice.actor.id,
        byActorId: bob.actor.id,
        reason: "Coup",
      }),
    ).toThrow(ForbiddenError);
    expect(() =>
      banMember(db, {
        groupId: g,
        targetId: alice.actor.id,
        byActorId: bob.actor.id,
        reason: "Coup",
        until: null,
        removeContent: false,
      }),
    ).toThrow(ForbiddenError);
    expect(() =>
      removeMember(db, {
        groupId: g,
        targetId: alice.actor.id,
        byActorId: bob.actor.id,
        reason: "Coup",
      }),
    ).toThrow(ForbiddenError);
    expect(isFacilitator(db, g, alice.actor.id)).toBe(true);
    // A newer facilitator is junior to Bob as well.
    appointFacilitator(db, {
      groupId: g,
      targetId: carol.actor.id,
      byActorId: alice.actor.id,
      reason: "Also",
    });
    expect(() =>
      dismissFacilitator(db, {
        groupId: g,
        targetId: bob.actor.id,
        byActorId: carol.actor.id,
        reason: "x",
      }),
    ).toThrow(ForbiddenError);
    dismissFacilitator(db, {
      groupId: g,
      targetId: carol.actor.id,
      byActorId: bob.actor.id,
      reason: "Rotating",
    });
    expect(isFacilitator(db, g, carol.actor.id)).toBe(false);
    // The creator may step down once someone else facilitates, and a sole facilitator may not.
    dismissFacilitator(db, {
      groupId: g,
      targetId: alice.actor.id,
      byActorId: alice.actor.id,
      reason: "Moving on",
    });
    expect(() =>
      dismissFacilitator(db, {
        groupId: g,
        targetId: bob.actor.id,
        byActorId: bob.actor.id,
        reason: "Tired",
      }),
    ).toThrow(ConflictError);
    expect(() => leaveGroup(db, g, bob.actor.id)).toThrow(ConflictError);
  });
});
