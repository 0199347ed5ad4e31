import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { itemHrefOf, itemHrefsOf, itemPathOf, itemPlacePath } from "../../src/domain/item-links.ts";
import { getItem, type ItemKind, type ItemRow, insertItem } from "../../src/domain/items.ts";
import { searchItems } from "../../src/domain/search.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";
const ROOT_KINDS = ["topic", "entry", "wiki", "event", "document", "poll"] as const;
const SECTION: Record<(typeof ROOT_KINDS)[number], string> = {
  topic: "forum",
  entry: "blog",
  wiki: "wiki",
  event: "events",
  document: "documents",
  poll: "polls",
};

async function world() {
  const db = freshDb();
  const alice = await createAccount(db, ORIGIN, {
    handle: "alice",
    email: "alice@e.org",
    password: "correct horse battery",
  });
  const garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
  const remote = (type: "Person" | "Group", handle: string) =>
    upsertRemoteActor(db, {
      iri: `https://far.example/u/${handle}`,
      type,
      handle,
      host: "far.example",
      name: handle,
      summary: "",
      url: null,
      inboxUrl: null,
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
  const mo = remote("Person", "mo");
  const allotments = remote("Group", "allotments");
  let n = 0;
  const add = (
    kind: ItemKind,
    authorId: number,
    groupIds: number[],
    isLocal: boolean,
    parent?: ItemRow,
  ) =>
    insertItem(db, {
      kind,
      iri: `${isLocal ? ORIGIN : "https://far.example"}/ap/things/${++n}`,
      authorId,
      groupIds,
      parentId: parent?.id ?? null,
      title: kind === "reply" ? "" : `Compost ${kind}`,
      bodyHtml: "<p>compost heaps</p>",
      visibility: "public",
      isLocal,
    });
  return { db, alice: alice.actor, garden: garden.actor, mo, allotments, add };
}

describe("where an item is shown", () => {
  it("links every kind and every reply to its place, local and remote, in local and remote communities", async () => {
    const { db, alice, garden, mo, allotments, add } = await world();
    for (const kind of ROOT_KINDS) {
      // Local author in a local community.
      const root = add(kind, alice.id, [garden.id], true);
      const localReply = add("reply", alice.id, [garden.id], true, root);
      const remoteReply = add("reply", mo.id, [garden.id], false, root);
      const answer = add("reply", mo.id, [garden.id], false, remoteReply);
      const page =
        kind === "entry"
          ? `/people/alice/blog/${root.id}`
          : `/c/garden/${SECTION[kind]}/${root.id}`;
      // Threads are paged, so a reply's link names it for the page that holds it.
      const at = (thread: string, id: number) => `${thread}?reply=${id}#item-${id}`;
      expect(itemPathOf(db, root)).toBe(page);
      expect(itemPathOf(db, localReply)).toBe(at(page, localReply.id));
      expect(itemPathOf(db, remoteReply)).toBe(at(page, remoteReply.id));
      expect(itemPathOf(db, answer)).toBe(at(page, answer.id));

      // Remote author in a remote community: the community's page here, by name@host.
      const far = add(kind, mo.id, [allotments.id], false);
      const farReply = add("reply", alice.id, [allotments.id], true, far);
      const farPage = `/c/allotments%40far.example/${SECTION[kind]}/${far.id}`;
      expect(itemPathOf(db, far)).toBe(farPage);
      expect(itemPathOf(db, farReply)).toBe(at(farPage, farReply.id));
    }
  });

  it("prefers the community a list is about", async () => {
    const { db, alice, garden, allotments, add } = await world();
    const topic = add("topic", alice.id, [garden.id, allotments.id], true);
    expect(itemPathOf(db, topic, allotments.id)).toBe(
      `/c/allotments%40far.example/forum/${topic.id}`,
    );
    expect(itemPathOf(db, topic, garden.id)).toBe(`/c/garden/forum/${topic.id}`);
  });

  it("sends a remote blog entry in no community to its own server, never to another scheme", async () => {
    const { db, mo, add } = await world();
    const entry = add("entry", mo.id, [], false);
    expect(itemPathOf(db, entry)).toBeNull();
    expect(itemHrefOf(db, entry)).toBe(entry.iri);
    const orphanComment = add("reply", mo.id, [], false, entry);
    expect(itemHrefOf(db, orphanComment)).toBe(orphanComment.iri);
  });

  it("treats a reply whose thread start never arrived as a forum reply", () => {
    expect(
      itemPlacePath({
        item: { id: 9, kind: "reply", rootId: 7 },
        rootKind: "reply",
        group: { handle: "garden", host: "copse.test", isLocal: true },
      }),
    ).toBe("/c/garden/forum/7?reply=9#item-9");
  });
});

describe("search hits", () => {
  it("link replies to their place in the thread, whoever wrote them", async () => {
    const { db, alice, garden, mo, add } = await world();
    const wiki = add("wiki", alice.id, [garden.id], true);
    const topic = add("topic", alice.id, [garden.id], true);
    const localComment = add("reply", alice.id, [garden.id], true, wiki);
    const remoteReply = add("reply", mo.id, [garden.id], false, topic);
    const { hits } = searchItems(db, alice.id, { q: "compost" });
    const href = new Map(hits.map((h) => [h.id, h.href]));
    expect(href.get(localComment.id)).toBe(
      `/c/garden/wiki/${wiki.id}?reply=${localComment.id}#item-${localComment.id}`,
    );
    // Its author is remote but the community is ours: no `garden@far.example` address.
    expect(href.get(remoteReply.id)).toBe(
      `/c/garden/forum/${topic.id}?reply=${remoteReply.id}#item-${remoteReply.id}`,
    );
    expect(href.get(wiki.id)).toBe(`/c/garden/wiki/${wiki.id}`);
  });
});

describe("links of many items at once", () => {
  it("are the links each item has on its own", async () => {
    const { db, alice, garden, mo, allotments, add } = await world();
    const ids: number[] = [];
    for (const kind of ROOT_KINDS) {
      const root = add(kind, alice.id, [garden.id], true);
      const reply = add("reply", mo.id, [garden.id], false, root);
      const far = add(kind, mo.id, [allotments.id, garden.id], false);
      ids.push(root.id, reply.id, far.id, add("reply", alice.id, [], true, far).id);
    }
    const orphan = add("entry", mo.id, [], false);
    ids.push(orphan.id, add("reply", mo.id, [], false, orphan).id, 999_999);
    const links = itemHrefsOf(db, ids);
    const one = (id: number) => {
      const item = getItem(db, id);
      return item ? itemHrefOf(db, item) : null;
    };
    expect([...links]).toEqual(ids.map((id) => [id, one(id)]));
    expect(links.get(orphan.id)).toBe(orphan.iri);
    expect(links.get(999_999)).toBeNull();
  });
});
