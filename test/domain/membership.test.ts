import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity, listCommunities } from "../../src/domain/communities.ts";
import { ConflictError, ForbiddenError, ValidationError } from "../../src/domain/errors.ts";
import {
  decideMembership,
  findMembership,
  isFacilitator,
  leaveGroup,
  listMembers,
  requestMembership,
} from "../../src/domain/membership.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";

async function setUp() {
  const db = freshDb();
  const alice = await createAccount(db, ORIGIN, {
    handle: "alice",
    email: "a@e.org",
    password: "correct horse battery",
  });
  const bob = await createAccount(db, ORIGIN, {
    handle: "bob",
    email: "b@e.org",
    password: "correct horse battery",
  });
  const community = (visibility: string, handle = visibility) =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle,
      description: "",
      visibility,
      ownerActorId: alice.actor.id,
    });
  return { db, alice, bob, community };
}

describe("communities and membership", () => {
  it("makes the creator the facilitator and validates the form", async () => {
    const { db, alice, community } = await setUp();
    const garden = community("public", "garden");
    expect(isFacilitator(db, garden.actor.id, alice.actor.id)).toBe(true);
    expect(garden.actor.type).toBe("Group");
    expect(() => community("secret", "bad")).toThrow(ValidationError);
    // Handles are shared with people: a community cannot take a person's handle.
    expect(() => community("public", "alice")).toThrow(/already taken/);
    expect(listCommunities(db).map((c) => [c.actor.handle, c.memberCount])).toEqual([
      ["garden", 1],
    ]);
  });

  it("lets anyone join a public community at once", async () => {
    const { db, bob, community } = await setUp();
    const garden = community("public");
    expect(requestMembership(db, { groupId: garden.actor.id, memberId: bob.actor.id }).state).toBe(
      "active",
    );
    // Asking again changes nothing.
    expect(requestMembership(db, { groupId: garden.actor.id, memberId: bob.actor.id }).state).toBe(
      "active",
    );
    expect(listMembers(db, garden.actor.id)).toHaveLength(2);
  });

  it("holds private requests for a facilitator, who alone may decide", async () => {
    const { db, alice, bob, community } = await setUp();
    const secret = community("private");
    expect(requestMembership(db, { groupId: secret.actor.id, memberId: bob.actor.id }).state).toBe(
      "pending",
    );
    expect(() =>
      decideMembership(db, {
        groupId: secret.actor.id,
        memberId: bob.actor.id,
        byActorId: bob.actor.id,
        approve: true,
      }),
    ).toThrow(ForbiddenError);
    decideMembership(db, {
      groupId: secret.actor.id,
      memberId: bob.actor.id,
      byActorId: alice.actor.id,
      approve: false,
    });
    expect(findMembership(db, secret.actor.id, bob.actor.id)?.state).toBe("rejected");
    // A rejected person may ask again, and the request is pending once more.
    expect(requestMembership(db, { groupId: secret.actor.id, memberId: bob.actor.id }).state).toBe(
      "pending",
    );
    decideMembership(db, {
      groupId: secret.actor.id,
      memberId: bob.actor.id,
      byActorId: null,
      approve: true,
    });
    expect(findMembership(db, secret.actor.id, bob.actor.id)?.state).toBe("active");
  });

  it("keeps the last facilitator from leaving", async () => {
    const { db, alice, bob, community } = await setUp();
    const garden = community("public");
    requestMembership(db, { groupId: garden.actor.id, memberId: bob.actor.id });
    expect(() => leaveGroup(db, garden.actor.id, alice.actor.id)).toThrow(ConflictError);
    leaveGroup(db, garden.actor.id, bob.actor.id);
    expect(findMembership(db, garden.actor.id, bob.actor.id)).toBeUndefined();
    expect(() => leaveGroup(db, garden.actor.id, bob.actor.id)).toThrow(/not a member/);
  });
});
