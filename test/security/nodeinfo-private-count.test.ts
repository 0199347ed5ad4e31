import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findLocalActor } from "../../src/domain/actors.ts";
import { composeItem } from "../../src/domain/items.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Issue 9, point 9: NodeInfo counted members-only posts, so anyone could watch a private
// community's activity by polling /nodeinfo/2.1. Only public content may be counted, and
// nothing in NodeInfo may name a private community.

// biome-ignore lint/suspicious/noExplicitAny: NodeInfo is arbitrary JSON.
type Json = any;

describe("NodeInfo and private communities", () => {
  let copse: TestInstance;
  let owner: AccountWithActor;

  beforeAll(async () => {
    copse = await startTestInstance("Counts");
    owner = await copse.createUser("olive");
    copse.createCommunity("garden", owner, "public");
    copse.createCommunity("secret_plans", owner, "private");
  });
  afterAll(async () => {
    await copse?.close();
  });

  async function nodeInfo(): Promise<Json> {
    const response = await fetch(`${copse.origin}/nodeinfo/2.1`, {
      headers: { Accept: "application/json" },
    });
    expect(response.status).toBe(200);
    return response.json();
  }

  /** A topic and a reply to it, written by the owner in one community. */
  function postIn(handle: string): void {
    const group = findLocalActor(copse.db, handle)!;
    const topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: owner.actor,
      groups: [group],
      title: `News from ${handle}`,
      body: "Something happened.",
    });
    composeItem(copse.db, copse.origin, {
      kind: "reply",
      author: owner.actor,
      groups: [group],
      parent: topic,
      body: "Indeed it did.",
    });
  }

  it("does not count members-only posts and comments", async () => {
    const before = (await nodeInfo()).usage;
    postIn("secret_plans");
    const after = (await nodeInfo()).usage;
    expect(after.localPosts).toBe(before.localPosts);
    expect(after.localComments).toBe(before.localComments);
  });

  it("counts public posts and comments", async () => {
    const before = (await nodeInfo()).usage;
    postIn("garden");
    const after = (await nodeInfo()).usage;
    expect(after.localPosts).toBe(before.localPosts + 1);
    expect(after.localComments).toBe(before.localComments + 1);
  });

  it("does not name a private community anywhere", async () => {
    const text = JSON.stringify(await nodeInfo());
    expect(text).not.toMatch(/secret/i);
  });
});
