import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import {
  composeEntry,
  type EntryFields,
  editEntry,
  listEntries,
  listEntriesInGroup,
  publishableGroups,
  visibleGroupsOf,
} from "../../src/domain/blog.ts";
import {
  composeComment,
  deleteComment,
  mayComment,
  mayDeleteComment,
} from "../../src/domain/blog-comments.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { ForbiddenError, ValidationError } from "../../src/domain/errors.ts";
import { canView, getItem, groupsOfItem, threadItems } from "../../src/domain/items.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import { setEnabledSections } from "../../src/domain/sections.ts";
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
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle[0]!.toUpperCase() + handle.slice(1),
      description: "",
      visibility,
      ownerActorId: alice.actor.id,
    }).actor;
  const garden = community("garden", "public");
  const roads = community("roads", "public");
  const vault = community("vault", "private");
  requestMembership(db, { groupId: garden.id, memberId: bob.actor.id });
  // Carol is let into the private community; Bob is not.
  requestMembership(db, { groupId: vault.id, memberId: carol.actor.id });
  decideMembership(db, {
    groupId: vault.id,
    memberId: carol.actor.id,
    byActorId: alice.actor.id,
    approve: true,
  });
  const fields = (over: Partial<EntryFields> = {}): EntryFields => ({
    title: "Gritting routes",
    summary: "How we plan them",
    body: "We start with **bus routes**.",
    groupIds: [],
    status: "published",
    ...over,
  });
  return { db, alice, bob, carol, garden, roads, vault, fields };
}

describe("blog entries", () => {
  it("keeps an entry with no community public, on its author's blog only", async () => {
    const { db, alice, fields } = await setUp();
    const entry = composeEntry(db, ORIGIN, alice.actor, fields());
    expect(entry.kind).toBe("entry");
    expect(entry.visibility).toBe("public");
    expect(entry.summary).toBe("How we plan them");
    expect(entry.bodyHtml).toContain("<strong>bus routes</strong>");
    expect(groupsOfItem(db, entry.id)).toEqual([]);
    expect(
      listEntries(db, alice.actor.id, { viewerId: null }).entries.map((e) => e.entry.id),
    ).toEqual([entry.id]);
  });

  it("shows drafts to their author only", async () => {
    const { db, alice, bob, garden, fields } = await setUp();
    const draft = composeEntry(
      db,
      ORIGIN,
      alice.actor,
      fields({ title: "Half-written", status: "draft", groupIds: [garden.id] }),
    );
    expect(draft.status).toBe("draft");
    expect(listEntries(db, alice.actor.id, { viewerId: alice.actor.id }).total).toBe(1);
    expect(listEntries(db, alice.actor.id, { viewerId: bob.actor.id }).total).toBe(0);
    expect(listEntries(db, alice.actor.id, { viewerId: null }).total).toBe(0);
    // The profile asks for published entries only, even for the author.
    expect(
      listEntries(db, alice.actor.id, { viewerId: alice.actor.id, publishedOnly: true }).total,
    ).toBe(0);
    expect(listEntriesInGroup(db, garden.id, { viewerId: alice.actor.id }).total).toBe(0);
    expect(canView(db, draft, bob.actor.id)).toBe(false);
  });

  it("publishes into several communities, and only those the author belongs to", async () => {
    const { db, alice, bob, garden, roads, vault, fields } = await setUp();
    const entry = composeEntry(
      db,
      ORIGIN,
      alice.actor,
      fields({ groupIds: [garden.id, roads.id] }),
    );
    expect(
      groupsOfItem(db, entry.id)
        .map((g) => g.handle)
        .sort(),
    ).toEqual(["garden", "roads"]);
    for (const group of [garden, roads]) {
      expect(listEntriesInGroup(db, group.id, { viewerId: null }).entries[0]?.entry.id).toBe(
        entry.id,
      );
    }
    expect(listEntriesInGroup(db, vault.id, { viewerId: alice.actor.id }).total).toBe(0);
    // Bob is in garden only: roads is not his to publish into.
    expect(publishableGroups(db, bob.actor.id).map((g) => g.handle)).toEqual(["garden"]);
    expect(() =>
      composeEntry(db, ORIGIN, bob.actor, fields({ groupIds: [garden.id, roads.id] })),
    ).toThrow(ValidationError);
    // A community whose facilitators switched the blog off is not offered.
    setEnabledSections(db, garden.id, ["forum"]);
    expect(publishableGroups(db, bob.actor.id)).toEqual([]);
  });

  it("keeps an entry in a private community among its members everywhere", async () => {
    const { db, alice, bob, carol, garden, vault, fields } = await setUp();
    const entry = composeEntry(
      db,
      ORIGIN,
      alice.actor,
      fields({ title: "Budget", groupIds: [garden.id, vault.id] }),
    );
    expect(entry.visibility).toBe("members");
    expect(listEntries(db, alice.actor.id, { viewerId: null }).total).toBe(0);
    expect(listEntriesInGroup(db, garden.id, { viewerId: null }).total).toBe(0);
    // Carol (in vault) and Bob (in garden) are members of one of its communities...
    expect(listEntries(db, alice.actor.id, { viewerId: carol.actor.id }).total).toBe(1);
    expect(listEntriesInGroup(db, garden.id, { viewerId: bob.actor.id }).total).toBe(1);
    // ...but Bob is not told about the private community it is also in.
    expect(visibleGroupsOf(db, entry, bob.actor.id).map((g) => g.handle)).toEqual(["garden"]);
    expect(
      visibleGroupsOf(db, entry, carol.actor.id)
        .map((g) => g.handle)
        .sort(),
    ).toEqual(["garden", "vault"]);
  });

  it("publishes a draft as new, withdraws with a fresh id, and refuses to narrow a live entry", async () => {
    const { db, alice, bob, garden, roads, vault, fields } = await setUp();
    const draft = composeEntry(db, ORIGIN, alice.actor, fields({ status: "draft" }));
    const comment = composeComment(db, ORIGIN, {
      author: alice.actor,
      entry: { ...draft, status: "published" },
      body: "A note to self",
    });
    await new Promise((r) => setTimeout(r, 5));
    const published = editEntry(
      db,
      ORIGIN,
      draft,
      alice.actor.id,
      fields({ groupIds: [garden.id] }),
    );
    expect(published.before.status).toBe("draft");
    expect(published.after.status).toBe("published");
    expect(published.after.publishedAt.getTime()).toBeGreaterThan(draft.publishedAt.getTime());
    expect(published.after.iri).toBe(draft.iri);
    // The comment follows its entry into the community.
    expect(groupsOfItem(db, comment.id).map((g) => g.handle)).toEqual(["garden"]);

    expect(() =>
      editEntry(db, ORIGIN, published.after, bob.actor.id, fields({ groupIds: [garden.id] })),
    ).toThrow(ForbiddenError);
    const widened = editEntry(
      db,
      ORIGIN,
      published.after,
      alice.actor.id,
      fields({ groupIds: [garden.id, roads.id] }),
    );
    expect(widened.previousGroups.map((g) => g.handle)).toEqual(["garden"]);
    expect(groupsOfItem(db, widened.after.id)).toHaveLength(2);
    const narrowing = () =>
      editEntry(db, ORIGIN, widened.after, alice.actor.id, fields({ groupIds: [garden.id] }));
    expect(narrowing).toThrow(/cannot be taken out of Roads/);
    expect(() =>
      editEntry(
        db,
        ORIGIN,
        widened.after,
        alice.actor.id,
        fields({ groupIds: [garden.id, roads.id, vault.id] }),
      ),
    ).toThrow(/cannot be moved into a private community/);

    const withdrawn = editEntry(
      db,
      ORIGIN,
      widened.after,
      alice.actor.id,
      fields({ status: "draft", groupIds: [vault.id] }),
    );
    expect(withdrawn.after.status).toBe("draft");
    expect(withdrawn.after.iri).not.toBe(widened.after.iri);
    expect(withdrawn.after.visibility).toBe("members");
    // Comments are hidden with their entry.
    expect(getItem(db, comment.id)?.status).toBe("draft");
    expect(getItem(db, comment.id)?.visibility).toBe("members");
  });

  it("lets anyone signed in comment on a public entry, and only members on a private one", async () => {
    const { db, alice, bob, carol, garden, vault, fields } = await setUp();
    const open = composeEntry(db, ORIGIN, alice.actor, fields({ groupIds: [garden.id] }));
    // Carol is not in garden, yet may comment on its public entry.
    const carols = composeComment(db, ORIGIN, { author: carol.actor, entry: open, body: "Useful" });
    const bobs = composeComment(db, ORIGIN, {
      author: bob.actor,
      entry: open,
      parent: carols,
      body: "Agreed",
    });
    expect(bobs.parentId).toBe(carols.id);
    expect(bobs.rootId).toBe(open.id);
    expect(groupsOfItem(db, carols.id).map((g) => g.handle)).toEqual(["garden"]);
    expect(threadItems(db, open.id).map((i) => i.id)).toEqual([carols.id, bobs.id]);
    expect(listEntries(db, alice.actor.id, { viewerId: null }).entries[0]?.comments).toBe(2);
    expect(() => composeComment(db, ORIGIN, { author: bob.actor, entry: open, body: " " })).toThrow(
      ValidationError,
    );

    const closed = composeEntry(db, ORIGIN, alice.actor, fields({ groupIds: [vault.id] }));
    expect(mayComment(db, closed, bob.actor.id)).toBe(false);
    expect(mayComment(db, closed, carol.actor.id)).toBe(true);
    expect(() =>
      composeComment(db, ORIGIN, { author: bob.actor, entry: closed, body: "Let me in" }),
    ).toThrow(ForbiddenError);
    const draft = composeEntry(db, ORIGIN, alice.actor, fields({ status: "draft" }));
    expect(mayComment(db, draft, alice.actor.id)).toBe(false);

    // The blog's author may remove comments on it; other commenters may not.
    expect(mayDeleteComment(db, open, carols, bob.actor.id)).toBe(false);
    expect(() => deleteComment(db, open, carols, bob.actor.id)).toThrow(ForbiddenError);
    expect(deleteComment(db, open, carols, alice.actor.id).deletedAt).not.toBeNull();
    expect(listEntries(db, alice.actor.id, { viewerId: null }).entries[0]?.comments).toBe(1);
  });
});
