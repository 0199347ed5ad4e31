import { like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items, messages } from "../../src/db/schema/index.ts";
import { findLocalActor } from "../../src/domain/actors.ts";
import { conversationBetween, unreadMessageCount } from "../../src/domain/messages.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

/** The header link to the messages, with whatever count it shows. */
function messagesLink(body: string): string {
  const match =
    /<a class="govuk-service-navigation__link" href="\/messages"[^>]*>([\s\S]*?)<\/a>/.exec(body);
  return (match?.[1] ?? "").replace(/<[^>]+>/g, "");
}

describe("the private message pages", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let carol: WebClient;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  const messageCount = () => copse.db.select().from(messages).all().length;

  beforeAll(async () => {
    copse = await startTestInstance("Messages");
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    await copse.createUser("carol");
    copse.createCommunity("garden", a, "public");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    carol = await signedIn("carol");
  });
  afterAll(() => copse?.close());

  it("sends a message and moves the unread count in the header up and down", async () => {
    const before = await bob.get("/");
    expect(messagesLink(before.body)).toBe("Messages");

    const sent = await alice.post("/messages/new", {
      to: "bob",
      body: "Can we talk about **gritting**? <script>alert(1)</script>",
    });
    expect(sent.response.status).toBe(303);
    expect(sent.response.headers.get("location")).toMatch(/^\/messages\/bob#message-\d+$/);
    await alice.post("/messages/@bob", { body: "Second thought" });

    const home = await bob.get("/");
    expect(messagesLink(home.body)).toBe("Messages (2), 2 unread");
    expect(home.body).toContain(" unread</span>");

    const list = await bob.get("/messages");
    expect(list.response.status).toBe(200);
    expect(list.body).toContain('href="/messages/alice"');
    expect(list.body).toContain("2 unread");

    const conversation = await bob.get("/messages/alice");
    expect(conversation.response.status).toBe(200);
    expect(conversation.body).toContain("<strong>gritting</strong>");
    expect(conversation.body).not.toContain("<script>alert(1)");
    expect(conversation.body.indexOf("gritting")).toBeLessThan(
      conversation.body.indexOf("Second thought"),
    );
    expect(messagesLink(conversation.body)).toBe("Messages");
    const bobId = findLocalActor(copse.db, "bob")!.id;
    expect(unreadMessageCount(copse.db, bobId)).toBe(0);

    const reply = await bob.post("/messages/alice", { body: "Yes, Tuesday?" });
    expect(reply.response.status).toBe(303);
    expect(messagesLink((await alice.get("/")).body)).toBe("Messages (1), 1 unread");
    const aliceId = findLocalActor(copse.db, "alice")!.id;
    const thread = conversationBetween(copse.db, aliceId, bobId);
    expect(thread.map((m) => m.bodySource)).toEqual([
      "Can we talk about **gritting**? <script>alert(1)</script>",
      "Second thought",
      "Yes, Tuesday?",
    ]);
    // A reply answers the last message of the conversation.
    expect(thread[2]!.inReplyToIri).toBe(thread[1]!.iri);
  });

  it("says so for an unknown handle or an empty message, and stores nothing", async () => {
    const before = messageCount();
    const local = await alice.post("/messages/new", { to: "nobody", body: "Hello?" });
    expect(local.response.status).toBe(422);
    expect(local.body).toContain("We could not find anyone called nobody");
    expect(local.body).toContain('href="#to"');

    const remote = await alice.post("/messages/new", {
      to: "@ghost@127.0.0.1:9",
      body: "Hello?",
    });
    expect(remote.response.status).toBe(422);
    expect(remote.body).toContain("We could not find anyone called @ghost@127.0.0.1:9");

    const community = await alice.post("/messages/new", { to: "garden", body: "Hello?" });
    expect(community.response.status).toBe(422);

    const empty = await alice.post("/messages/new", { to: "bob", body: "  " });
    expect(empty.response.status).toBe(422);
    expect(empty.body).toContain("Enter a message");
    expect(empty.body).toContain("govuk-error-summary");

    const emptyReply = await alice.post("/messages/bob", { body: "" });
    expect(emptyReply.response.status).toBe(422);
    expect(messageCount()).toBe(before);
  });

  it("never shows a conversation to a third person, or to anyone signed out", async () => {
    await alice.post("/messages/new", { to: "bob", body: "Only for Bob: budget 42k" });
    const carolsView = await carol.get("/messages/alice");
    expect(carolsView.response.status).toBe(200);
    expect(carolsView.body).not.toContain("budget 42k");
    expect(carolsView.body).toContain("No messages yet");
    const carolsList = await carol.get("/messages");
    expect(carolsList.body).not.toContain('href="/messages/alice"');
    expect(carolsList.body).not.toContain('href="/messages/bob"');

    const anonymous = new WebClient(copse.origin);
    const signedOut = await anonymous.get("/messages/alice");
    expect(signedOut.response.status).toBe(303);
    expect(signedOut.response.headers.get("location")).toContain("/signin");
    expect((await carol.get("/messages/nobody")).response.status).toBe(404);

    // The Note's id answers only requests signed by its sender or recipient.
    const note = copse.db.select().from(messages).where(like(messages.bodySource, "%42k%")).get()!;
    const fetched = await fetch(note.iri, { headers: { Accept: "application/activity+json" } });
    expect(fetched.status).toBe(401);
  });

  it("keeps messages off profiles, community pages, the home page and items", async () => {
    await alice.post("/messages/new", { to: "bob", body: "Secret pumpkin plan" });
    for (const [client, path] of [
      [alice, "/"],
      [bob, "/"],
      [alice, "/people/alice"],
      [bob, "/people/alice"],
      [carol, "/people/bob"],
      [bob, "/c/garden"],
      [alice, "/communities"],
    ] as const) {
      const page = await client.get(path);
      expect(page.response.status, path).toBeLessThan(400);
      expect(page.body, path).not.toContain("Secret pumpkin");
    }
    const leaked = copse.db.select().from(items).where(like(items.bodyHtml, "%pumpkin%")).all();
    expect(leaked).toHaveLength(0);
  });
});
