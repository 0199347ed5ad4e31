import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { items } from "../../src/db/schema/index.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { type ItemRow, insertItem } from "../../src/domain/items.ts";
import {
  pageCount,
  pageOfReply,
  threadPage,
  threadPostsById,
} from "../../src/domain/thread-pages.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";

/** A topic by Alice (who runs the garden) with `n` replies by Bob, a minute apart. */
async function thread(n: number) {
  const db = freshDb();
  const account = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
  const alice = (await account("alice")).actor;
  const bob = (await account("bob")).actor;
  const carol = (await account("carol")).actor;
  const garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "public",
    ownerActorId: alice.id,
  }).actor;
  let serial = 0;
  const post = (authorId: number, parent?: ItemRow, at = new Date(Date.UTC(2026, 0, 1))) =>
    insertItem(db, {
      kind: parent ? "reply" : "topic",
      iri: `${ORIGIN}/ap/items/${++serial}`,
      authorId,
      groupIds: [garden.id],
      parentId: parent?.id ?? null,
      title: parent ? "" : "Compost",
      bodyHtml: `<p>post ${serial}</p>`,
      visibility: "public",
      isLocal: true,
      publishedAt: at,
    });
  const topic = post(alice.id);
  const replies = Array.from({ length: n }, (_, i) =>
    post(bob.id, topic, new Date(Date.UTC(2026, 0, 1, 0, i + 1))),
  );
  return { db, alice, bob, carol, topic, replies, post };
}

describe("pages of a thread", () => {
  it("counts pages at the edges: none, exactly full, one over", () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(1)).toBe(1);
    expect(pageCount(50)).toBe(1);
    expect(pageCount(51)).toBe(2);
    expect(pageCount(100)).toBe(2);
    expect(pageCount(101)).toBe(3);
  });

  it("shows an empty thread as its one page", async () => {
    const { db, topic } = await thread(0);
    expect(threadPage(db, topic, null, 1)).toEqual({
      replies: [],
      page: 1,
      totalPages: 1,
      total: 0,
    });
  });

  it("pages replies oldest first, 50 a page, and clamps pages out of range", async () => {
    const { db, topic, replies } = await thread(120);
    const first = threadPage(db, topic, null, 1);
    expect(first).toMatchObject({ page: 1, totalPages: 3, total: 120 });
    expect(first.replies.map((r) => r.id)).toEqual(replies.slice(0, 50).map((r) => r.id));
    const last = threadPage(db, topic, null, 3);
    expect(last.replies.map((r) => r.id)).toEqual(replies.slice(100).map((r) => r.id));
    expect(threadPage(db, topic, null, 99).page).toBe(3);
    expect(threadPage(db, topic, null, 0).page).toBe(1);
    expect(threadPage(db, topic, null, -4).page).toBe(1);
    expect(threadPage(db, topic, null, Number.NaN).page).toBe(1);
    // The topic itself is never among its replies.
    expect(first.replies.some((r) => r.id === topic.id)).toBe(false);
  });

  it("finds the page of a reply, on both sides of a page break", async () => {
    const { db, topic, replies } = await thread(101);
    const pageOf = (i: number) => pageOfReply(db, topic, replies[i]!.id, null);
    expect(pageOf(0)).toBe(1);
    expect(pageOf(49)).toBe(1);
    expect(pageOf(50)).toBe(2);
    expect(pageOf(99)).toBe(2);
    expect(pageOf(100)).toBe(3);
    // Something that is not a reply of this thread opens its first page.
    expect(pageOfReply(db, topic, topic.id, null)).toBe(1);
    expect(pageOfReply(db, topic, 999_999, null)).toBe(1);
  });

  it("orders replies of the same instant by id, so every reply has one place", async () => {
    const { db, bob, topic, post } = await thread(0);
    const at = new Date(Date.UTC(2026, 0, 2));
    const same = Array.from({ length: 3 }, () => post(bob.id, topic, at));
    const shown = threadPage(db, topic, null, 1, 2);
    expect(shown.replies.map((r) => r.id)).toEqual([same[0]!.id, same[1]!.id]);
    expect(pageOfReply(db, topic, same[2]!.id, null, 2)).toBe(2);
  });

  it("leaves a removed reply out for others, not for its author or the facilitators", async () => {
    const { db, alice, bob, carol, topic, replies } = await thread(51);
    db.update(items).set({ removedAt: new Date() }).where(eq(items.id, replies[0]!.id)).run();
    // Carol sees 50 replies (one page); the removed one's author and Alice see all 51.
    expect(threadPage(db, topic, carol.id, 1)).toMatchObject({ total: 50, totalPages: 1 });
    expect(threadPage(db, topic, null, 1)).toMatchObject({ total: 50, totalPages: 1 });
    expect(threadPage(db, topic, bob.id, 1)).toMatchObject({ total: 51, totalPages: 2 });
    expect(threadPage(db, topic, alice.id, 1)).toMatchObject({ total: 51, totalPages: 2 });
    // The last reply moves to page 1 for Carol, and stays on page 2 for Alice.
    expect(pageOfReply(db, topic, replies[50]!.id, carol.id)).toBe(1);
    expect(pageOfReply(db, topic, replies[50]!.id, alice.id)).toBe(2);
    // Nor is a removed post named as what a later reply answers.
    const parents = threadPostsById(db, topic, [replies[0]!.id, replies[1]!.id]);
    expect([...parents.keys()]).toEqual([replies[1]!.id]);
  });

  it("keeps a page until a change, shared by viewers only while no reply is removed", async () => {
    const { db, alice, bob, carol, topic, replies } = await thread(3);
    // Everyone sees the same page, kept once (and frozen, since requests share it).
    const first = threadPage(db, topic, carol.id, 1);
    expect(threadPage(db, topic, bob.id, 1)).toBe(first);
    expect(threadPage(db, topic, null, 1)).toBe(first);
    expect(Object.isFrozen(first.replies)).toBe(true);
    expect(Object.isFrozen(first.replies[0])).toBe(true);
    // A removal is a change: the kept page is not shown again to anyone who may not see it.
    db.update(items).set({ removedAt: new Date() }).where(eq(items.id, replies[0]!.id)).run();
    const ids = (viewer: number | null) =>
      threadPage(db, topic, viewer, 1).replies.map((r) => r.id);
    expect(ids(carol.id)).toEqual([replies[1]!.id, replies[2]!.id]);
    expect(ids(null)).toEqual([replies[1]!.id, replies[2]!.id]);
    expect(ids(bob.id)).toEqual(replies.map((r) => r.id));
    expect(ids(alice.id)).toEqual(replies.map((r) => r.id));
    // Asked again in the other order, from the kept pages: still each viewer's own.
    expect(ids(alice.id)).toEqual(replies.map((r) => r.id));
    expect(ids(carol.id)).toEqual([replies[1]!.id, replies[2]!.id]);
  });
});
