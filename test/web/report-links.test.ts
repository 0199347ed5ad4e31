import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "../../src/db/schema/index.ts";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { createDocument } from "../../src/domain/documents.ts";
import type { ItemRow } from "../../src/domain/items.ts";
import { listReports } from "../../src/domain/moderation/reports.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { ITEM_FORMS } from "../helpers/item-forms.ts";
import { signedIn } from "../helpers/sign-in.ts";

// Every kind of post in a community offers "Report" to people who neither wrote it nor run the
// community: blog entries, wiki pages, events, documents, polls and the comments under them.
// The link leads to the report form, which files the report in the community's queue.

describe("report links on every kind of post", () => {
  let copse: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let garden: ActorRow;
  let asAlice: WebClient;
  let asBob: WebClient;
  let asCarol: WebClient;
  let visitor: WebClient;

  async function create(section: string): Promise<ItemRow> {
    const { response } = await asAlice.post(`/c/garden/${section}/new`, ITEM_FORMS[section]!);
    expect(response.status).toBe(303);
    const id = Number(/\/(\d+)$/.exec(response.headers.get("location") ?? "")?.[1]);
    return copse.db.select().from(items).where(eq(items.id, id)).get()!;
  }

  const open = () =>
    listReports(copse.db, { groupId: garden.id, state: "open", page: 1, pageSize: 50 });

  beforeAll(async () => {
    copse = await startTestInstance("ReportLinks");
    alice = await copse.createUser("alice");
    bob = await copse.createUser("bob");
    await copse.createUser("carol");
    garden = copse.createCommunity("garden", alice, "public").actor;
    asAlice = await signedIn(copse, "alice");
    asBob = await signedIn(copse, "bob");
    asCarol = await signedIn(copse, "carol");
    visitor = new WebClient(copse.origin);
    for (const web of [asBob, asCarol]) await web.post("/c/garden/join", {});
  });
  afterAll(() => copse?.close());

  for (const section of ["wiki", "events", "polls"]) {
    it(`offers Report on ${section} and their comments, to others than authors and facilitators`, async () => {
      const root = await create(section);
      const path = `/c/garden/${section}/${root.id}`;
      const commented = await asCarol.post(`${path}/comment`, { body: "Nonsense, buy my stuff" });
      expect(commented.response.status).toBe(303);
      const commentId = Number(commented.response.headers.get("location")!.split("#item-")[1]);

      const seenByBob = await asBob.get(path);
      expect(seenByBob.body).toContain(`href="/c/garden/report/item/${root.id}"`);
      expect(seenByBob.body).toContain(`href="/c/garden/report/item/${commentId}"`);
      // The facilitator acts directly; the author does not report their own comment.
      expect((await asAlice.get(path)).body).not.toContain("/report/item/");
      const seenByCarol = await asCarol.get(path);
      expect(seenByCarol.body).toContain(`href="/c/garden/report/item/${root.id}"`);
      expect(seenByCarol.body).not.toContain(`href="/c/garden/report/item/${commentId}"`);
      expect((await visitor.get(path)).body).not.toContain("/report/item/");

      const before = open().length;
      const sent = await asBob.post(`/c/garden/report/item/${commentId}`, { reason: "Spam" });
      expect(sent.response.status).toBe(303);
      expect(open()).toHaveLength(before + 1);
      expect(open()[0]).toMatchObject({ itemId: commentId, reason: "Spam" });
    });
  }

  it("offers Report on a document", async () => {
    const { item } = createDocument(copse.db, copse.origin, {
      author: bob.actor,
      group: garden,
      title: "Cheap watches",
      description: "Buy now",
      fileName: "watches.txt",
      file: { sha256: "0".repeat(64), size: 3, mediaType: "text/plain", storagePath: "none" },
    });
    const path = `/c/garden/documents/${item.id}`;
    expect((await asCarol.get(path)).body).toContain(`href="/c/garden/report/item/${item.id}"`);
    expect((await asBob.get(path)).body).not.toContain("/report/item/");
    const sent = await asCarol.post(`/c/garden/report/item/${item.id}`, { reason: "Advert" });
    expect(sent.response.status).toBe(303);
    expect(open()[0]).toMatchObject({ itemId: item.id, targetActorId: bob.actor.id });
  });

  it("offers Report on a blog entry, to each community it is published in", async () => {
    const { response } = await asBob.post("/blog/new", [
      ["title", "Watches for sale"],
      ["summary", ""],
      ["body", "Cheap watches"],
      ["groups", String(garden.id)],
      ["action", "publish"],
    ]);
    expect(response.status).toBe(303);
    const entryPath = response.headers.get("location")!;
    const id = Number(entryPath.split("/").pop());
    const page = await asCarol.get(entryPath);
    expect(page.body).toContain(`href="/c/garden/report/item/${id}"`);
    expect(page.body).toContain("to the facilitators of Garden");
    expect((await asBob.get(entryPath)).body).not.toContain("/report/item/");
    expect((await asAlice.get(entryPath)).body).not.toContain("/report/item/");
    const sent = await asCarol.post(`/c/garden/report/item/${id}`, { reason: "Advert" });
    expect(sent.response.status).toBe(303);
    expect(open()[0]).toMatchObject({ itemId: id, targetActorId: bob.actor.id });
  });
});
