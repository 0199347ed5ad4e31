import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActorRow } from "../../src/domain/actors.ts";
import { recentInGroup } from "../../src/domain/forum.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { uploadDocument } from "../helpers/upload-document.ts";

// A community's "What's new" lists replies and comments as well as the things they answer.
// Each must link to the page its thread lives on: a forum topic, a blog entry or a document.

/** The links of the "What's new" list on a community page, in order. */
function whatsNewLinks(html: string): string[] {
  // JSX escapes the apostrophe in the heading.
  const start = html.search(/What(?:'|&#39;|&#x27;)s new/);
  expect(start, "the page has a What's new list").toBeGreaterThan(0);
  const list = html.slice(start, html.indexOf("</ul>", start));
  return [...list.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
}

describe("a community's What's new list", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let garden: ActorRow;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  /** Uploads a document through the library's multipart form, as a browser would. */
  const upload = (web: WebClient, title: string) =>
    uploadDocument(copse.origin, web, "garden", title);

  /** Posts a comment or reply and returns the id of the new item, from the redirect's anchor. */
  async function answer(web: WebClient, action: string, body: string): Promise<number> {
    const { response } = await web.post(action, { body });
    expect(response.status).toBe(303);
    const anchor = /#item-(\d+)$/.exec(response.headers.get("location") ?? "");
    expect(anchor, `the redirect after ${action} names the new item`).not.toBeNull();
    return Number(anchor![1]);
  }

  beforeAll(async () => {
    copse = await startTestInstance("Whatsnew");
    const owner = await copse.createUser("alice");
    await copse.createUser("bob");
    garden = copse.createCommunity("garden", owner, "public").actor;
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("links comments on blog entries and documents to their pages, not to the forum", async () => {
    const written = await alice.post("/blog/new", [
      ["title", "Gritting this winter"],
      ["summary", ""],
      ["body", "Bus routes first."],
      ["groups", String(garden.id)],
      ["action", "publish"],
    ]);
    expect(written.response.status).toBe(303);
    const entryPath = written.response.headers.get("location")!;
    const entryId = Number(entryPath.split("/").pop());
    const entryComment = await answer(bob, `${entryPath}/comment`, "Schools next, please.");

    const documentPath = await upload(alice, "Gritting routes");
    const documentId = Number(documentPath.split("/").pop());
    const documentComment = await answer(bob, `${documentPath}/comment`, "Is this current?");

    const started = await alice.post("/c/garden/forum/new", { title: "Salt", body: "Stocks?" });
    const topicPath = started.response.headers.get("location")!;
    const topicReply = await answer(bob, `${topicPath}/reply`, "Full.");

    // The domain hands over each thread's first kind with the item, from one query.
    const recent = recentInGroup(copse.db, garden.id);
    const rootKindOf = (id: number) => recent.find((r) => r.item.id === id)?.rootKind;
    expect(rootKindOf(entryComment)).toBe("entry");
    expect(rootKindOf(documentComment)).toBe("document");
    expect(rootKindOf(topicReply)).toBe("topic");
    expect(rootKindOf(entryId)).toBe("entry");

    const page = await bob.get("/c/garden");
    expect(page.response.status).toBe(200);
    const links = whatsNewLinks(page.body);
    expect(links).toContain(`/c/garden/blog/${entryId}?reply=${entryComment}#item-${entryComment}`);
    expect(links).toContain(
      `/c/garden/documents/${documentId}?reply=${documentComment}#item-${documentComment}`,
    );
    expect(links).toContain(`${topicPath}?reply=${topicReply}#item-${topicReply}`);
    expect(links).not.toContain(`/c/garden/forum/${entryId}#item-${entryComment}`);
    expect(links).not.toContain(`/c/garden/forum/${documentId}#item-${documentComment}`);

    // Followed, each link lands on a page that shows the comment it points at.
    const entryLink = (await bob.get(`/c/garden/blog/${entryId}`)).response;
    expect(entryLink.status).toBe(303);
    expect(entryLink.headers.get("location")).toBe(entryPath);
    const entryPage = await bob.get(entryPath);
    expect(entryPage.response.status).toBe(200);
    expect(entryPage.body).toContain(`id="item-${entryComment}"`);
    const documentPage = await bob.get(documentPath);
    expect(documentPage.response.status).toBe(200);
    expect(documentPage.body).toContain(`id="item-${documentComment}"`);
  });
});
