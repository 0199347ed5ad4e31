import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "../../src/db/schema/index.ts";
import { type ActorRow, upsertRemoteActor } from "../../src/domain/actors.ts";
import { findCommunity } from "../../src/domain/communities.ts";
import { type ItemRow, insertItem } from "../../src/domain/items.ts";
import type { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { ITEM_FORMS as FIELDS } from "../helpers/item-forms.ts";
import { signedIn } from "../helpers/sign-in.ts";

// Replies to wiki pages, events and polls, from members here and from other servers, are shown
// as comments under them, and members can comment there.

describe("comments under wiki pages, events and polls", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let eve: WebClient;
  let mo: ActorRow;
  let n = 0;

  function remoteActor(type: "Person" | "Group", handle: string): ActorRow {
    return upsertRemoteActor(copse.db, {
      iri: `https://far.example/u/${handle}`,
      type,
      handle,
      host: "far.example",
      name: handle === "mo" ? "Mo Remote" : "Allotments",
      summary: "",
      url: null,
      inboxUrl: null,
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
  }

  /** A reply that arrived from another server, as the inbox stores it. */
  function remoteReply(parent: ItemRow, groupId: number, text: string): ItemRow {
    return insertItem(copse.db, {
      kind: "reply",
      iri: `https://far.example/notes/${++n}`,
      authorId: mo.id,
      groupIds: [groupId],
      parentId: parent.id,
      bodyHtml: `<p>${text}</p>`,
      visibility: parent.visibility,
      isLocal: false,
    });
  }

  async function create(section: string, community = "garden"): Promise<ItemRow> {
    const { response } = await alice.post(`/c/${community}/${section}/new`, FIELDS[section]!);
    expect(response.status).toBe(303);
    const id = Number(/\/(\d+)$/.exec(response.headers.get("location") ?? "")?.[1]);
    return copse.db.select().from(items).where(eq(items.id, id)).get()!;
  }

  beforeAll(async () => {
    copse = await startTestInstance("Comments");
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    await copse.createUser("eve");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn(copse, "alice");
    bob = await signedIn(copse, "bob");
    eve = await signedIn(copse, "eve");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
    mo = remoteActor("Person", "mo");
  });
  afterAll(() => copse?.close());

  for (const section of ["wiki", "events", "polls"]) {
    it(`shows local and remote comments under ${section}, threaded, and takes members' comments`, async () => {
      const garden = findCommunity(copse.db, "garden")!.actor;
      const root = await create(section);
      const path = `/c/garden/${section}/${root.id}`;

      const posted = await bob.post(`${path}/comment`, { body: "I will bring **worms**." });
      expect(posted.response.status).toBe(303);
      const place = posted.response.headers.get("location")!;
      expect(place).toMatch(new RegExp(`^${path}\\?reply=\\d+#item-\\d+$`));
      const bobsId = Number(place.split("#item-")[1]);
      const bobs = copse.db.select().from(items).where(eq(items.id, bobsId)).get()!;
      expect(bobs.rootId).toBe(root.id);
      const answer = remoteReply(bobs, garden.id, "Worms from far away");
      const removed = remoteReply(root, garden.id, "Buy my compost now");
      copse.db.update(items).set({ removedAt: new Date() }).where(eq(items.id, removed.id)).run();

      // Eve is signed in but not a member: she reads the comments and gets no form.
      const seen = await eve.get(path);
      expect(seen.response.status).toBe(200);
      expect(seen.body).toContain(`id="item-${bobsId}"`);
      expect(seen.body).toContain("<strong>worms</strong>");
      expect(seen.body).toContain(`id="item-${answer.id}"`);
      expect(seen.body).toContain("Mo Remote");
      // The remote answer is nested under the comment it answers.
      const between = seen.body.slice(
        seen.body.indexOf(`id="item-${bobsId}"`),
        seen.body.indexOf(`id="item-${answer.id}"`),
      );
      expect(between).toContain('<ul class="copse-thread">');
      expect(between).not.toContain("</li>");
      expect(seen.body).not.toContain("Buy my compost now");
      expect(seen.body).toContain("Only members of this community can comment.");
      expect(seen.body).not.toContain(`action="${path}/comment"`);
      expect((await eve.post(`${path}/comment`, { body: "Let me in" })).response.status).toBe(403);

      // The facilitator still sees the removed comment, marked, to restore it.
      const facilitator = await alice.get(path);
      expect(facilitator.body).toContain("Buy my compost now");
      expect(facilitator.body).toContain("Removed by a facilitator");
      expect((await bob.get(path)).body).toContain(`action="${path}/comment"`);
    });
  }

  it("refuses an empty comment with the error on a page of its own", async () => {
    const root = await create("wiki");
    const { response, body } = await bob.post(`/c/garden/wiki/${root.id}/comment`, { body: " " });
    expect(response.status).toBe(422);
    expect(body).toContain("There is a problem");
    expect(body).toContain("Write your comment");
  });

  it("lets authors edit and delete their comments, and nobody else", async () => {
    const root = await create("events");
    const path = `/c/garden/events/${root.id}`;
    const posted = await bob.post(`${path}/comment`, { body: "First draft" });
    const id = Number(posted.response.headers.get("location")!.split("#item-")[1]);
    expect((await eve.get(`${path}/comments/${id}/edit`)).response.status).toBe(403);
    const edited = await bob.post(`${path}/comments/${id}/edit`, { body: "Second draft" });
    expect(edited.response.status).toBe(303);
    expect((await eve.get(path)).body).toContain("Second draft");
    expect((await eve.post(`${path}/comments/${id}/delete`, {})).response.status).toBe(403);
    expect((await bob.post(`${path}/comments/${id}/delete`, {})).response.status).toBe(303);
    expect((await eve.get(path)).body).not.toContain("Second draft");
  });

  it("keeps a private community's comments from outsiders", async () => {
    const root = await create("wiki", "vault");
    const vault = findCommunity(copse.db, "vault")!.actor;
    remoteReply(root, vault.id, "Members-only remark");
    const path = `/c/vault/wiki/${root.id}`;
    expect((await alice.get(path)).body).toContain("Members-only remark");
    const outsider = await eve.get(path);
    expect(outsider.response.status).toBe(403);
    expect(outsider.body).not.toContain("Members-only remark");
  });

  it("shows comments under a wiki page of a community on another server", async () => {
    const allotments = remoteActor("Group", "allotments");
    const page = insertItem(copse.db, {
      kind: "wiki",
      iri: "https://far.example/wiki/seeds",
      authorId: allotments.id,
      groupIds: [allotments.id],
      title: "Seed swap",
      bodyHtml: "<p>Swap seeds here.</p>",
      visibility: "public",
      isLocal: false,
    });
    const reply = remoteReply(page, allotments.id, "I have beans");
    const { response, body } = await eve.get(`/c/allotments%40far.example/wiki/${page.id}`);
    expect(response.status).toBe(200);
    expect(body).toContain(`id="item-${reply.id}"`);
    expect(body).toContain("I have beans");
  });
});
