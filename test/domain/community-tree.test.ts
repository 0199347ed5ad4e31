import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships } from "../../src/db/schema/index.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import {
  type Community,
  createCommunity,
  findCommunityByActorId,
  listCommunities,
} from "../../src/domain/communities.ts";
import {
  ancestorsOf,
  childrenOf,
  descendantsOf,
  moveCommunity,
  moveTargets,
  orderAsTree,
} from "../../src/domain/community-tree.ts";
import { NotFoundError, ValidationError } from "../../src/domain/errors.ts";
import { setStage, stageOf } from "../../src/domain/lifecycle.ts";
import { decideMembership, isFacilitator, requestMembership } from "../../src/domain/membership.ts";
import { enabledSections, setEnabledSections } from "../../src/domain/sections.ts";
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
  const carol = await person("carol");
  const community = (
    handle: string,
    options: {
      visibility?: string;
      owner?: number;
      parent?: Community;
      sections?: string[];
      inherits?: boolean;
    } = {},
  ) =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle[0]!.toUpperCase() + handle.slice(1),
      description: "",
      visibility: options.visibility ?? "public",
      ownerActorId: options.owner ?? alice.actor.id,
      parent: options.parent
        ? {
            groupId: options.parent.actor.id,
            sections: options.sections,
            inheritsMembership: options.inherits,
          }
        : undefined,
    });
  return { db, alice, bob, carol, community };
}

/** Whether a refused call threw a ValidationError naming `field` with a message like `text`. */
function refusal(call: () => unknown, field: string, text: RegExp): void {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const errors = (error as ValidationError).errors;
    expect(errors.find((e) => e.field === field)?.message).toMatch(text);
    return;
  }
  throw new Error("expected the call to be refused");
}

describe("sub-communities", () => {
  it("creates a child under its parent with every section the parent uses", async () => {
    const { db, community } = await setUp();
    const highways = community("highways");
    setEnabledSections(db, highways.actor.id, ["forum", "wiki", "events"]);
    const gritting = community("gritting", { parent: highways });
    expect(gritting.parentGroupId).toBe(highways.actor.id);
    expect(gritting.inheritsMembership).toBe(false);
    expect(gritting.stage).toBe("start-up");
    expect([...enabledSections(db, gritting.actor.id)].sort()).toEqual(["events", "forum", "wiki"]);
    expect(ancestorsOf(db, gritting.actor.id).map((a) => a.handle)).toEqual(["highways"]);
    expect(childrenOf(db, highways.actor).map((c) => c.actor.handle)).toEqual(["gritting"]);
  });

  it("keeps only the chosen subset of the parent's sections", async () => {
    const { db, community } = await setUp();
    const highways = community("highways");
    setEnabledSections(db, highways.actor.id, ["forum", "wiki", "events"]);
    const gritting = community("gritting", { parent: highways, sections: ["wiki", "forum"] });
    expect([...enabledSections(db, gritting.actor.id)].sort()).toEqual(["forum", "wiki"]);
    // A section the parent does not use cannot be inherited, and nothing is created.
    refusal(
      () => community("potholes", { parent: highways, sections: ["forum", "documents"] }),
      "sections",
      /only sections the parent community uses/,
    );
    expect(listCommunities(db).map((c) => c.actor.handle)).not.toContain("potholes");
  });

  it("inherits membership rules: the parent's visibility, facilitators and members", async () => {
    const { db, alice, bob, carol, community } = await setUp();
    const planning = community("planning", { visibility: "private" });
    // Alice approves Carol and Bob, and makes Bob a second facilitator of the parent.
    for (const person of [carol, bob]) {
      requestMembership(db, { groupId: planning.actor.id, memberId: person.actor.id });
      decideMembership(db, {
        groupId: planning.actor.id,
        memberId: person.actor.id,
        byActorId: alice.actor.id,
        approve: true,
      });
    }
    db.update(memberships)
      .set({ role: "facilitator" })
      .where(
        and(eq(memberships.groupId, planning.actor.id), eq(memberships.memberId, bob.actor.id)),
      )
      .run();

    // The form said "public", but inheriting the rules takes the parent's visibility.
    const local = community("localplan", {
      parent: planning,
      inherits: true,
      visibility: "public",
    });
    expect(local.visibility).toBe("private");
    expect(local.actor.manuallyApprovesFollowers).toBe(true);
    expect(isFacilitator(db, local.actor.id, alice.actor.id)).toBe(true);
    expect(isFacilitator(db, local.actor.id, bob.actor.id)).toBe(true);
    // Carol is a member of the parent, so she joins at once without approval.
    expect(requestMembership(db, { groupId: local.actor.id, memberId: carol.actor.id }).state).toBe(
      "active",
    );

    // Without inheriting, the same private child keeps Carol waiting for a facilitator.
    const closed = community("closed", { parent: planning, visibility: "private" });
    expect(isFacilitator(db, closed.actor.id, bob.actor.id)).toBe(false);
    expect(
      requestMembership(db, { groupId: closed.actor.id, memberId: carol.actor.id }).state,
    ).toBe("pending");
  });

  it("lets a non-member of the parent only ask to join an inheriting private child", async () => {
    const { db, carol, community } = await setUp();
    const planning = community("planning", { visibility: "private" });
    const local = community("localplan", { parent: planning, inherits: true });
    expect(requestMembership(db, { groupId: local.actor.id, memberId: carol.actor.id }).state).toBe(
      "pending",
    );
  });

  it("refuses a parent that is not hosted here", async () => {
    const { db, community } = await setUp();
    const ghost = { actor: { id: 9999 } } as Community;
    refusal(() => community("orphan", { parent: ghost }), "parent", /not hosted here/);
    expect(listCommunities(db)).toHaveLength(0);
  });

  it("allows any depth and lists the chain and the descendants", async () => {
    const { db, community } = await setUp();
    const a = community("alpha");
    const b = community("beta", { parent: a });
    const c = community("gamma", { parent: b });
    const d = community("delta", { parent: c });
    expect(ancestorsOf(db, d.actor.id).map((x) => x.handle)).toEqual(["alpha", "beta", "gamma"]);
    expect(descendantsOf(db, a.actor.id).sort()).toEqual(
      [b.actor.id, c.actor.id, d.actor.id].sort(),
    );
    const tree = orderAsTree(listCommunities(db));
    expect(tree.map((r) => [r.community.actor.handle, r.depth, r.parent?.actor.handle])).toEqual([
      ["alpha", 0, undefined],
      ["beta", 1, "alpha"],
      ["gamma", 2, "beta"],
      ["delta", 3, "gamma"],
    ]);
  });
});

describe("moving a community", () => {
  it("moves under another community and back to the top", async () => {
    const { db, alice, community } = await setUp();
    const a = community("alpha");
    const b = community("beta");
    expect(
      moveCommunity(db, { groupId: b.actor.id, parentId: a.actor.id, byActorId: alice.actor.id })
        ?.handle,
    ).toBe("alpha");
    expect(findCommunityByActorId(db, b.actor.id)?.parentGroupId).toBe(a.actor.id);
    moveCommunity(db, { groupId: b.actor.id, parentId: null, byActorId: alice.actor.id });
    expect(findCommunityByActorId(db, b.actor.id)?.parentGroupId).toBeNull();
  });

  it("refuses to make a community its own parent or ancestor, however deep", async () => {
    const { db, alice, community } = await setUp();
    const a = community("alpha");
    const b = community("beta", { parent: a });
    const c = community("gamma", { parent: b });
    const d = community("delta", { parent: c });
    const move = (groupId: number, parentId: number) => () =>
      moveCommunity(db, { groupId, parentId, byActorId: alice.actor.id });
    refusal(move(a.actor.id, a.actor.id), "parent", /cannot be moved under itself/);
    refusal(move(a.actor.id, b.actor.id), "parent", /Beta is one of this community's sub-/);
    refusal(move(a.actor.id, d.actor.id), "parent", /Delta is one of this community's sub-/);
    refusal(move(b.actor.id, d.actor.id), "parent", /Delta is one of/);
    // Nothing changed.
    expect(orderAsTree(listCommunities(db)).map((r) => r.community.actor.handle)).toEqual([
      "alpha",
      "beta",
      "gamma",
      "delta",
    ]);
    expect(findCommunityByActorId(db, a.actor.id)?.parentGroupId).toBeNull();
    // Moving a middle branch sideways is fine: gamma (with delta) goes straight under alpha.
    moveCommunity(db, { groupId: c.actor.id, parentId: a.actor.id, byActorId: alice.actor.id });
    expect(ancestorsOf(db, d.actor.id).map((x) => x.handle)).toEqual(["alpha", "gamma"]);
  });

  it("only moves under a local community the mover facilitates", async () => {
    const { db, alice, bob, community } = await setUp();
    const mine = community("mine");
    const theirs = community("theirs", { owner: bob.actor.id });
    refusal(
      () =>
        moveCommunity(db, {
          groupId: mine.actor.id,
          parentId: theirs.actor.id,
          byActorId: alice.actor.id,
        }),
      "parent",
      /a community you facilitate/,
    );
    refusal(
      () => moveCommunity(db, { groupId: mine.actor.id, parentId: bob.actor.id, byActorId: 1 }),
      "parent",
      /hosted on this instance/,
    );
    expect(findCommunityByActorId(db, mine.actor.id)?.parentGroupId).toBeNull();
    expect(moveTargets(db, mine.actor.id, alice.actor.id).map((a) => a.handle)).toEqual([]);
    expect(moveTargets(db, mine.actor.id, alice.actor.id, true).map((a) => a.handle)).toEqual([
      "theirs",
    ]);
    expect(() =>
      moveCommunity(db, { groupId: 9999, parentId: null, byActorId: alice.actor.id }),
    ).toThrow(NotFoundError);
  });
});

describe("lifecycle stage", () => {
  it("starts at start-up, changes to a known stage and refuses anything else", async () => {
    const { db, community } = await setUp();
    const a = community("alpha");
    expect(stageOf(db, a.actor.id)).toBe("start-up");
    expect(setStage(db, a.actor.id, "nurture")).toBe("nurture");
    expect(stageOf(db, a.actor.id)).toBe("nurture");
    refusal(() => setStage(db, a.actor.id, "thriving"), "stage", /Choose the community's stage/);
    expect(stageOf(db, a.actor.id)).toBe("nurture");
    expect(() => setStage(db, 9999, "sustain")).toThrow(NotFoundError);
  });
});
