import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "../../src/db/schema/index.ts";
import { findCommunity } from "../../src/domain/communities.ts";
import { itemPathOf } from "../../src/domain/item-links.ts";
import { type ItemRow, insertItem } from "../../src/domain/items.ts";
import type { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { ITEM_FORMS as FIELDS } from "../helpers/item-forms.ts";
import { signedIn } from "../helpers/sign-in.ts";
import { uploadDocument } from "../helpers/upload-document.ts";

// Comments under blog entries, wiki pages, events, polls and documents are read 50 a page, oldest first,
// as forum replies are: links to a comment open the page holding it, and the comment box is on
// the last page. Checked at the edges: no comments, exactly one full page, one more than that,
// and page numbers out of range.

describe("paged comment threads", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let bobId: number;
  let gardenId: number;
  let n = 0;
  const comments = (body: string) => body.match(/<li class="copse-post" id="item-\d+"/g) ?? [];
  const has = (body: string, text: string, present = true) =>
    expect(body.includes(text), text).toBe(present);

  /** Bob's comments on a root, a minute apart, stored as the web forms would store them. */
  function comment(root: ItemRow, count: number): ItemRow[] {
    return Array.from({ length: count }, () =>
      insertItem(copse.db, {
        kind: "reply",
        iri: `${copse.origin}/ap/test-comments/${++n}`,
        authorId: bobId,
        groupIds: root.kind === "entry" ? [] : [gardenId],
        parentId: root.id,
        bodyHtml: `<p>Comment number ${n}</p>`,
        visibility: "public",
        isLocal: true,
        publishedAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
      }),
    );
  }

  /** Creates a root of a kind through its form; its page's path and row. */
  async function create(kind: string): Promise<{ path: string; root: ItemRow }> {
    if (kind === "documents") {
      const path = await uploadDocument(copse.origin, alice, "garden", "Gritting map");
      const id = Number(/\/(\d+)$/.exec(path)?.[1]);
      return { path, root: copse.db.select().from(items).where(eq(items.id, id)).get()! };
    }
    const { response } =
      kind === "blog"
        ? await alice.post("/blog/new", [
            ["title", "Seed swaps"],
            ["summary", ""],
            ["body", "Bring seeds."],
            ["action", "publish"],
          ])
        : await alice.post(`/c/garden/${kind}/new`, FIELDS[kind]!);
    expect(response.status).toBe(303);
    const path = response.headers.get("location")!;
    const id = Number(/\/(\d+)$/.exec(path)?.[1]);
    return { path, root: copse.db.select().from(items).where(eq(items.id, id)).get()! };
  }

  beforeAll(async () => {
    copse = await startTestInstance("CommentPages");
    const a = await copse.createUser("alice");
    bobId = (await copse.createUser("bob")).actor.id;
    gardenId = copse.createCommunity("garden", a, "public").actor.id;
    alice = await signedIn(copse, "alice");
    bob = await signedIn(copse, "bob");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
    expect(findCommunity(copse.db, "garden")).toBeTruthy();
  });
  afterAll(() => copse?.close());

  for (const kind of ["blog", "wiki", "events", "polls", "documents"]) {
    it(`pages the comments under ${kind} at 0, 50 and 51 comments`, async () => {
      const { path, root } = await create(kind);
      // The box for a new comment: the document page's keeps its field's older id.
      const box = kind === "documents" ? "body" : "comment";

      const empty = await bob.get(path);
      expect(empty.response.status).toBe(200);
      has(empty.body, "Comments (0)");
      has(empty.body, "No comments yet.");
      has(empty.body, 'aria-label="Pages of comments"', false);
      has(empty.body, `id="${box}"`);

      const first = comment(root, 50);
      const full = await bob.get(path);
      expect(comments(full.body)).toHaveLength(50);
      has(full.body, "Comments (50)");
      has(full.body, 'aria-label="Pages of comments"', false);
      has(full.body, `id="${box}"`);

      const [last] = comment(root, 1);
      const one = await bob.get(path);
      expect(comments(one.body)).toHaveLength(50);
      has(one.body, "Comments (51)");
      has(one.body, "51 comments, 50 a page. This is page 1 of 2.");
      has(one.body, `href="${path}?page=2" rel="next"`);
      has(one.body, `id="item-${first[49]!.id}"`);
      has(one.body, `id="item-${last!.id}"`, false);
      // The comment box is on the last page, a link away.
      has(one.body, `id="${box}"`, false);
      has(one.body, `href="${path}?page=2#${box}"`);

      const two = await bob.get(`${path}?page=2`);
      expect(comments(two.body)).toEqual([`<li class="copse-post" id="item-${last!.id}"`]);
      has(two.body, `href="${path}" rel="prev"`);
      has(two.body, `id="${box}"`);

      // Out of range: past the end shows the last page; zero, negative or junk the first.
      for (const [query, shown] of [
        ["?page=99", last!],
        ["?page=0", first[0]!],
        ["?page=-3", first[0]!],
        ["?page=x", first[0]!],
      ] as const) {
        const { response, body } = await bob.get(`${path}${query}`);
        expect(response.status, query).toBe(200);
        has(body, `id="item-${shown.id}"`);
      }

      // Every list links to a comment by the page that holds it.
      const link = itemPathOf(copse.db, last!);
      expect(link).toBe(`${path}?reply=${last!.id}#item-${last!.id}`);
      has((await bob.get(link!.split("#")[0]!)).body, `id="item-${last!.id}"`);
      has((await bob.get(`${path}?reply=${first[3]!.id}`)).body, `id="item-${first[3]!.id}"`);
    });
  }

  it("sends a new comment's author to the page that shows it", async () => {
    const { path, root } = await create("wiki");
    comment(root, 60);
    const { response } = await bob.post(`${path}/comment`, {
      parent: String(root.id),
      body: "The newest word",
    });
    expect(response.status).toBe(303);
    const location = response.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${path}\\?reply=\\d+#item-\\d+$`));
    const { body } = await bob.get(location.split("#")[0]!);
    has(body, "The newest word");
    has(body, "This is page 2 of 2.");
  });
});
