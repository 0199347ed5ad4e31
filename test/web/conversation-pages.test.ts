import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countConversations, receiveMessage } from "../../src/domain/messages.ts";
import type { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { remotePerson } from "../helpers/remote-person.ts";
import { signedIn } from "../helpers/sign-in.ts";

// The messages page lists a person's conversations 50 a page, newest first, so someone who
// has written to many people does not get one huge page. Checked at 0, 50 and 51 conversations
// and with page numbers out of range.

describe("paged conversations list", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let aliceId: number;
  let sent = 0;
  const rows = (body: string) => body.match(/href="\/messages\/@writer\d+@far\.example"/g) ?? [];

  /** A message to Alice from a new person on another server, a minute after the last one. */
  function writeToAlice(): void {
    const n = ++sent;
    const writer = remotePerson(copse.db, `writer${n}`, `Writer ${n}`);
    receiveMessage(copse.db, {
      iri: `https://far.example/notes/${n}`,
      senderId: writer.id,
      recipientId: aliceId,
      bodyHtml: `<p>Hello ${n}</p>`,
      inReplyToIri: null,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
    });
  }

  beforeAll(async () => {
    copse = await startTestInstance("Conversations");
    aliceId = (await copse.createUser("alice")).actor.id;
    alice = await signedIn(copse, "alice");
  });
  afterAll(() => copse?.close());

  it("shows no page links with no conversations, or exactly one page of them", async () => {
    const none = await alice.get("/messages");
    expect(none.response.status).toBe(200);
    expect(none.body).toContain("You have no messages yet.");
    expect(none.body).not.toContain('aria-label="Pages of conversations"');
    expect(countConversations(copse.db, aliceId)).toBe(0);

    for (let i = 0; i < 50; i++) writeToAlice();
    const full = await alice.get("/messages");
    expect(rows(full.body)).toHaveLength(50);
    expect(full.body).not.toContain('aria-label="Pages of conversations"');
    expect(countConversations(copse.db, aliceId)).toBe(50);
  });

  it("puts the 51st conversation on a second page, newest first", async () => {
    writeToAlice();
    expect(countConversations(copse.db, aliceId)).toBe(51);
    const first = await alice.get("/messages");
    expect(rows(first.body)).toHaveLength(50);
    expect(first.body).toContain('href="/messages/@writer51@far.example"');
    expect(first.body).not.toContain('href="/messages/@writer1@far.example"');
    expect(first.body).toContain('href="/messages?page=2" rel="next"');
    expect(first.body).toContain("<title>Messages (page 1 of 2)");

    const second = await alice.get("/messages?page=2");
    expect(rows(second.body)).toEqual(['href="/messages/@writer1@far.example"']);
    expect(second.body).toContain('href="/messages" rel="prev"');
  });

  it("shows the last page for a page past the end, and the first for nonsense", async () => {
    expect(rows((await alice.get("/messages?page=99")).body)).toHaveLength(1);
    for (const page of ["0", "-2", "x"]) {
      const { response, body } = await alice.get(`/messages?page=${page}`);
      expect(response.status).toBe(200);
      expect(rows(body), page).toHaveLength(50);
    }
  });
});
