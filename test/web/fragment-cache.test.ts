import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { signedIn } from "../helpers/sign-in.ts";

// A topic's posts are rendered once and reused for everyone whose choices are the same
// (src/web/fragment-cache.ts). These check that what one viewer may do, and how they voted,
// never shows on another's page, and that each page's forms carry its viewer's own token.

/** The masked CSRF tokens of a page's forms, each once. */
function tokens(html: string): Set<string> {
  return new Set([...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]!));
}

describe("posts kept between viewers of a topic", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let carol: WebClient;
  let topicPath: string;
  let replyId: number;

  beforeAll(async () => {
    copse = await startTestInstance("Fragments");
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    await copse.createUser("carol");
    copse.createCommunity("garden", a, "public");
    alice = await signedIn(copse, "alice");
    bob = await signedIn(copse, "bob");
    carol = await signedIn(copse, "carol");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
    const created = await alice.post("/c/garden/forum/new", {
      title: "Salt stocks",
      body: "How much salt do we hold?",
    });
    topicPath = created.response.headers.get("location")!;
    const reply = await bob.post(`${topicPath}/reply`, {
      body: "Two thousand tonnes.",
      parent: topicPath.split("/").pop()!,
    });
    replyId = Number(reply.response.headers.get("location")!.split("#item-")[1]);
  });
  afterAll(() => copse?.close());

  it("shows each viewer their own actions, whoever saw the topic first", async () => {
    // Twice each, in turns, so that every page after the first is made from kept posts.
    for (let round = 0; round < 2; round++) {
      const facilitator = (await alice.get(topicPath)).body;
      const member = (await bob.get(topicPath)).body;
      const outsider = (await carol.get(topicPath)).body;
      const visitor = (await new WebClient(copse.origin).get(topicPath)).body;
      for (const page of [facilitator, member, outsider, visitor]) {
        expect(page).toContain("Two thousand tonnes.");
      }
      // The facilitator's links to remove posts; nobody else's.
      expect(facilitator).toContain(`/moderation/items/${replyId}/remove`);
      for (const page of [member, outsider, visitor]) {
        expect(page).not.toContain(`/moderation/items/${replyId}/remove`);
      }
      // Bob wrote the reply: he may edit it, and not report it; Carol may report it.
      expect(member).toContain(`edit?item=${replyId}`);
      expect(member).not.toContain(`/report/item/${replyId}`);
      expect(outsider).toContain(`/report/item/${replyId}`);
      expect(outsider).not.toContain(`edit?item=${replyId}`);
      // Only a member may answer the reply in place; a visitor gets no form at all.
      expect(member).toContain(`id="reply-${replyId}"`);
      expect(outsider).not.toContain(`id="reply-${replyId}"`);
      expect(visitor).not.toContain(`/report/item/${replyId}`);
      expect(visitor).not.toContain('name="_csrf" value="\u0000');
    }
  });

  it("puts each viewer's own form token in every form, and the forms work", async () => {
    const first = (await bob.get(topicPath)).body;
    const second = (await bob.get(topicPath)).body;
    const aliceTokens = tokens((await alice.get(topicPath)).body);
    // One token on each page, in every form (the layout's and each post's), masked afresh
    // for each page: none repeats between pages or viewers.
    const forms = (page: string) => [...page.matchAll(/name="_csrf" value="([^"]+)"/g)].length;
    expect(forms(second)).toBeGreaterThan(2);
    expect(tokens(second).size).toBe(1);
    const [token2] = tokens(second);
    expect(tokens(first).has(token2!)).toBe(false);
    expect(aliceTokens.has(token2!)).toBe(false);
    expect(second).not.toContain("\u0000");
    // A reply sent from the in-place form of the second page, with that page's token.
    const form = second.slice(second.indexOf(`id="reply-${replyId}"`) - 600);
    const token = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const answered = await bob.post(
      `${topicPath}/reply`,
      { _csrf: token, body: "Plus a reserve.", parent: String(replyId) },
      { csrf: false },
    );
    expect(answered.response.status).toBe(303);
    expect((await carol.get(topicPath)).body).toContain("Plus a reserve.");
  });

  it("shows a vote as pressed to the voter alone, and the new score to all", async () => {
    // Dave and Bob are both plain members: the same choices but for their votes.
    await copse.createUser("dave");
    const dave = await signedIn(copse, "dave");
    expect((await dave.post("/c/garden/join", {})).response.status).toBe(303);
    const topicId = topicPath.split("/").pop()!;
    const voted = await dave.post(`/items/${topicId}/vote`, { vote: "up", return: topicPath });
    expect(voted.response.status).toBe(303);
    const votes = (page: string) => {
      const at = page.indexOf(`id="votes-${topicId}"`);
      expect(at).toBeGreaterThan(0);
      return page.slice(at, page.indexOf("</div>", at));
    };
    for (let round = 0; round < 2; round++) {
      const mine = votes((await dave.get(topicPath)).body);
      const theirs = votes((await bob.get(topicPath)).body);
      expect(mine).toContain("Remove up-vote");
      expect(theirs).toContain("Vote up");
      expect(theirs).not.toContain("Remove up-vote");
      for (const page of [mine, theirs]) expect(page).toContain("Score 1: 1 up, 0 down");
    }
  });

  it("shows an edited post at once", async () => {
    await carol.get(topicPath);
    const edited = await bob.post(`${topicPath}/edit?item=${replyId}`, {
      body: "Two thousand five hundred tonnes.",
    });
    expect(edited.response.status).toBe(303);
    const page = (await carol.get(topicPath)).body;
    expect(page).toContain("Two thousand five hundred tonnes.");
    expect(page).not.toContain("Two thousand tonnes.");
  });
});
