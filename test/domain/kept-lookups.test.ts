import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import {
  accountForSession,
  createAccount,
  createSession,
  deleteSession,
} from "../../src/domain/accounts.ts";
import {
  type Community,
  createCommunity,
  findCommunity,
  findCommunityByActorId,
} from "../../src/domain/communities.ts";
import { listTopics, recentInGroup } from "../../src/domain/forum.ts";
import { groupsOfItems } from "../../src/domain/item-groups.ts";
import { authorsOf, insertItem } from "../../src/domain/items.ts";
import { countMembers } from "../../src/domain/member-list.ts";
import { listMembershipsOf, requestMembership } from "../../src/domain/membership.ts";
import { profileChecklist } from "../../src/domain/onboarding.ts";
import { findPeople } from "../../src/domain/people-finder.ts";
import { replacePersonTags } from "../../src/domain/person-details.ts";
import { updateProfile } from "../../src/domain/profiles.ts";
import { tagCloud } from "../../src/domain/tag-cloud.ts";
import { addTag } from "../../src/domain/tags.ts";
import { freshDb } from "../helpers/db.ts";

// Look-ups every page makes (the viewer's session, the community) are kept until the database
// changes (src/db/generation.ts). What is kept must never outlive a change, must not be shared
// in a way one request could spoil for the next, and must not be kept from inside a transaction.

const ORIGIN = "https://copse.test";
let db: Db;
let garden: Community;
let aliceId: number;
let aliceActorId: number;
let bobActorId: number;

beforeAll(async () => {
  db = freshDb();
  const alice = await createAccount(db, ORIGIN, {
    handle: "alice",
    email: "alice@e.org",
    password: "correct horse battery",
  });
  aliceId = alice.id;
  aliceActorId = alice.actor.id;
  bobActorId = (
    await createAccount(db, ORIGIN, {
      handle: "bob",
      email: "bob@e.org",
      password: "correct horse battery",
    })
  ).actor.id;
  garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
});

/** A topic of Alice's in the garden, published on `publishedAt`. */
function gardenTopic(
  slug: string,
  title: string,
  publishedAt: Date,
  status: "published" | "draft" = "published",
) {
  return insertItem(db, {
    kind: "topic",
    iri: `${ORIGIN}/ap/items/kept-${slug}`,
    authorId: aliceActorId,
    groupIds: [garden.actor.id],
    parentId: null,
    title,
    bodyHtml: "<p>Hello</p>",
    visibility: "public",
    status,
    isLocal: true,
    publishedAt,
  });
}

describe("a community looked up by handle or actor", () => {
  it("is kept while nothing changes, and is frozen since requests share it", () => {
    const first = findCommunity(db, "garden")!;
    expect(findCommunity(db, "garden")).toBe(first);
    expect(findCommunityByActorId(db, garden.actor.id)).toBe(
      findCommunityByActorId(db, garden.actor.id),
    );
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.actor)).toBe(true);
    expect(findCommunity(db, "nowhere")).toBeUndefined();
  });

  it("shows a change at once", () => {
    const before = findCommunity(db, "garden")!;
    db.$client.prepare("UPDATE communities SET rules = 'Be kind' WHERE id = ?").run(garden.id);
    const after = findCommunity(db, "garden")!;
    expect(after).not.toBe(before);
    expect(after.rules).toBe("Be kind");
    expect(findCommunityByActorId(db, garden.actor.id)!.rules).toBe("Be kind");
  });

  it("is read afresh inside a transaction, and nothing read there is kept", () => {
    const outside = findCommunity(db, "garden")!;
    expect(() =>
      db.transaction((tx) => {
        db.$client
          .prepare("UPDATE communities SET rules = 'Rolled back' WHERE id = ?")
          .run(garden.id);
        // Drizzle's transaction object, as domain code passes it, and the database itself.
        expect(findCommunity(tx as unknown as Db, "garden")!.rules).toBe("Rolled back");
        expect(findCommunity(db, "garden")!.rules).toBe("Rolled back");
        tx.rollback();
      }),
    ).toThrow("Rollback");
    expect(findCommunity(db, "garden")!.rules).toBe(outside.rules);
  });
});

describe("the account behind a session", () => {
  it("is kept while nothing changes, its actor copied for each request", () => {
    const token = createSession(db, aliceId);
    const first = accountForSession(db, token)!;
    first.actor.name = "Spoiled by one request";
    const second = accountForSession(db, token)!;
    expect(second.actor.name).not.toBe("Spoiled by one request");
    expect(second.id).toBe(aliceId);
  });

  it("shows a new name at once, and none once signed out", () => {
    const token = createSession(db, aliceId);
    expect(accountForSession(db, token)!.actor.name).not.toBe("Alice Renamed");
    updateProfile(db, aliceActorId, {
      name: "Alice Renamed",
      jobTitle: "",
      organisation: "",
      bio: "",
    });
    expect(accountForSession(db, token)!.actor.name).toBe("Alice Renamed");
    deleteSession(db, token);
    expect(accountForSession(db, token)).toBeUndefined();
  });

  it("is refused once expired, though kept", () => {
    const token = createSession(db, aliceId);
    expect(accountForSession(db, token)).toBeDefined();
    expect(accountForSession(db, token, Date.now() + 366 * 86_400_000)).toBeUndefined();
  });
});

describe("a forum's page of topics", () => {
  it("is kept for everyone while nothing changes, and shows a new topic at once", () => {
    const topic = (n: number) =>
      gardenTopic(String(n), `Topic ${n}`, new Date(Date.UTC(2026, 0, n)));
    topic(1);
    const options = { sort: "current" as const, page: 1, pageSize: 25 };
    const first = listTopics(db, garden.actor.id, { ...options, viewerId: aliceActorId });
    expect(listTopics(db, garden.actor.id, { ...options, viewerId: null })).toBe(first);
    expect(Object.isFrozen(first.topics)).toBe(true);
    const second = topic(2);
    const after = listTopics(db, garden.actor.id, { ...options, viewerId: null });
    expect(after.total).toBe(first.total + 1);
    expect(after.topics[0]!.topic.id).toBe(second.id);
  });
});

describe("a person's own home page look-ups", () => {
  it("keeps the profile checklist until the profile changes, frozen", () => {
    const first = profileChecklist(db, aliceActorId);
    expect(profileChecklist(db, aliceActorId)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0])).toBe(true);
    expect(first.find((s) => s.id === "job")!.done).toBe(false);
    updateProfile(db, aliceActorId, {
      name: "Alice",
      jobTitle: "Highways officer",
      organisation: "Somerset Council",
      bio: "",
    });
    expect(profileChecklist(db, aliceActorId).find((s) => s.id === "job")!.done).toBe(true);
    expect(profileChecklist(db, aliceActorId).find((s) => s.id === "expertise")!.done).toBe(false);
    replacePersonTags(db, aliceActorId, "expertise", ["gritting"]);
    expect(profileChecklist(db, aliceActorId).find((s) => s.id === "expertise")!.done).toBe(true);
  });

  it("keeps the list of communities until it changes, frozen", () => {
    const first = listMembershipsOf(db, aliceActorId);
    expect(listMembershipsOf(db, aliceActorId)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0]!.group)).toBe(true);
    expect(Object.isFrozen(first[0]!.membership)).toBe(true);
    createCommunity(db, ORIGIN, {
      handle: "allotments",
      name: "Allotments",
      description: "",
      visibility: "public",
      ownerActorId: aliceActorId,
    });
    expect(listMembershipsOf(db, aliceActorId).map((m) => m.group.handle)).toEqual([
      "allotments",
      "garden",
    ]);
  });
});

describe("what every community page and people search show, the same for everyone", () => {
  it("keeps a community's member count and newest items until a change", () => {
    const count = countMembers(db, garden.actor.id);
    const recent = recentInGroup(db, garden.actor.id, 10);
    expect(recentInGroup(db, garden.actor.id, 10)).toBe(recent);
    expect(Object.isFrozen(recent)).toBe(true);
    expect(Object.isFrozen(recent[0]!.item)).toBe(true);
    expect(Object.isFrozen(recent[0]!.author)).toBe(true);
    gardenTopic("newest", "The newest topic", new Date(Date.UTC(2027, 0, 1)));
    expect(recentInGroup(db, garden.actor.id, 10)[0]!.item.title).toBe("The newest topic");
    expect(countMembers(db, garden.actor.id)).toBe(count);
    requestMembership(db, { groupId: garden.actor.id, memberId: bobActorId });
    expect(countMembers(db, garden.actor.id)).toBe(count + 1);
  });

  it("keeps a people search's answer until a change, frozen", async () => {
    const first = findPeople(db, "highways");
    expect(findPeople(db, "highways")).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0]!.reasons)).toBe(true);
    expect(first.map((p) => p.handle)).toEqual(["alice"]);
    // Another field is another question.
    expect(findPeople(db, "highways", "name")).toEqual([]);
    const carol = await createAccount(db, ORIGIN, {
      handle: "carol",
      email: "carol@e.org",
      password: "correct horse battery",
    });
    updateProfile(db, carol.actor.id, {
      name: "Carol",
      jobTitle: "Highways engineer",
      organisation: "Devon Council",
      bio: "",
    });
    expect(
      findPeople(db, "highways")
        .map((p) => p.handle)
        .sort(),
    ).toEqual(["alice", "carol"]);
  });
});

describe("the authors and communities of a page of posts", () => {
  it("are kept until a change, frozen, and a renamed author shows at once", () => {
    const [topic] = listTopics(db, garden.actor.id, {
      sort: "current",
      page: 1,
      pageSize: 1,
    }).topics;
    const item = topic!.topic;
    const authors = authorsOf(db, [item]);
    expect(Object.isFrozen(authors.get(item.authorId))).toBe(true);
    expect(authorsOf(db, [item]).get(item.authorId)).toBe(authors.get(item.authorId));
    const groups = groupsOfItems(db, [item.id]).get(item.id)!;
    expect(groups.map((g) => g.handle)).toEqual(["garden"]);
    expect(Object.isFrozen(groups)).toBe(true);
    expect(groupsOfItems(db, [item.id]).get(item.id)).toBe(groups);
    db.$client.prepare("UPDATE actors SET name = 'Alice Renamed' WHERE id = ?").run(aliceActorId);
    expect(authorsOf(db, [item]).get(aliceActorId)!.name).toBe("Alice Renamed");
    expect(groupsOfItems(db, [item.id]).get(item.id)).not.toBe(groups);
  });
});

describe("the tags of a viewer's own unlisted items in a cloud", () => {
  it("are kept per viewer until a change, and a new draft's tag shows at once", () => {
    const names = (viewer: number) => tagCloud(db, viewer).map((t) => t.name);
    expect(names(aliceActorId)).not.toContain("secret-plans");
    const draft = gardenTopic("draft", "Not yet", new Date(Date.UTC(2027, 0, 2)), "draft");
    // Read before the tag, so a kept answer would miss it.
    expect(names(aliceActorId)).not.toContain("secret-plans");
    addTag(db, draft, aliceActorId, "secret plans");
    expect(names(aliceActorId)).toContain("secret-plans");
    // Someone else's cloud never shows another's draft.
    expect(names(bobActorId)).not.toContain("secret-plans");
    expect(names(aliceActorId)).toContain("secret-plans");
  });
});
