import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import {
  conversationBetween,
  findMessageByIri,
  isParticipant,
  listConversations,
  markConversationRead,
  receiveMessage,
  sendMessage,
  unreadMessageCount,
} from "../../src/domain/messages.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";

async function setUp() {
  const db = freshDb();
  const person = async (handle: string) =>
    (
      await createAccount(db, ORIGIN, {
        handle,
        email: `${handle}@e.org`,
        password: "correct horse battery",
      })
    ).actor;
  const alice = await person("alice");
  const bob = await person("bob");
  const carol = await person("carol");
  const remote = upsertRemoteActor(db, {
    iri: "https://social.example/users/dora",
    type: "Person",
    handle: "dora",
    host: "social.example",
    name: "Dora",
    summary: "",
    url: null,
    inboxUrl: "https://social.example/users/dora/inbox",
    sharedInboxUrl: null,
    followersUrl: null,
    manuallyApprovesFollowers: false,
  });
  return { db, alice, bob, carol, remote };
}

describe("private messages", () => {
  it("sends a message, rendering Markdown to sanitized HTML", async () => {
    const { db, alice, bob } = await setUp();
    const m = sendMessage(db, ORIGIN, {
      sender: alice,
      recipient: bob,
      body: "Hello **Bob** <script>alert(1)</script>",
    });
    expect(m.iri).toMatch(/^https:\/\/copse\.test\/ap\/notes\/[0-9a-f-]{36}$/);
    expect(m.bodyHtml).toContain("<strong>Bob</strong>");
    expect(m.bodyHtml).not.toContain("<script");
    expect(findMessageByIri(db, m.iri)?.id).toBe(m.id);
  });

  it("refuses empty, oversized, self-addressed and community-addressed messages", async () => {
    const { db, alice, bob } = await setUp();
    const group = createCommunity(db, ORIGIN, {
      handle: "garden",
      name: "Garden",
      description: "",
      visibility: "public",
      ownerActorId: alice.id,
    }).actor;
    const fails = (recipient: typeof bob, body: string) => {
      try {
        sendMessage(db, ORIGIN, { sender: alice, recipient, body });
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).errors.map((e) => e.field);
      }
      return [];
    };
    expect(fails(bob, "   ")).toEqual(["body"]);
    expect(fails(bob, "x".repeat(10_001))).toEqual(["body"]);
    expect(fails(alice, "hi me")).toEqual(["to"]);
    expect(fails(group, "hi group")).toEqual(["to"]);
    expect(conversationBetween(db, alice.id, bob.id)).toHaveLength(0);
  });

  it("lists conversations with unread counts and marks them read", async () => {
    const { db, alice, bob, carol, remote } = await setUp();
    sendMessage(db, ORIGIN, { sender: bob, recipient: alice, body: "one" });
    sendMessage(db, ORIGIN, { sender: bob, recipient: alice, body: "two" });
    sendMessage(db, ORIGIN, { sender: alice, recipient: bob, body: "three" });
    receiveMessage(db, {
      iri: "https://social.example/notes/1",
      senderId: remote.id,
      recipientId: alice.id,
      bodyHtml: "<p>from afar</p>",
      inReplyToIri: null,
      createdAt: new Date(),
    });
    sendMessage(db, ORIGIN, { sender: carol, recipient: bob, body: "not for alice" });

    expect(unreadMessageCount(db, alice.id)).toBe(3);
    const list = listConversations(db, alice.id);
    expect(list.map((c) => [c.other.handle, c.unread])).toEqual([
      ["dora", 1],
      ["bob", 2],
    ]);
    expect(list[1]!.last.bodySource).toBe("three");

    expect(conversationBetween(db, alice.id, bob.id).map((m) => m.bodySource)).toEqual([
      "one",
      "two",
      "three",
    ]);
    expect(markConversationRead(db, alice.id, bob.id)).toBe(2);
    expect(unreadMessageCount(db, alice.id)).toBe(1);
    // Bob's own unread count is untouched by Alice reading: Carol's message waits for him.
    expect(unreadMessageCount(db, bob.id)).toBe(2);
  });

  it("stores a redelivered remote message once and knows who may read it", async () => {
    const { db, alice, carol, remote } = await setUp();
    const input = {
      iri: "https://social.example/notes/2",
      senderId: remote.id,
      recipientId: alice.id,
      bodyHtml: "<p>hi</p>",
      inReplyToIri: null,
      createdAt: new Date(),
    };
    const first = receiveMessage(db, input);
    const again = receiveMessage(db, input);
    expect(again.id).toBe(first.id);
    expect(conversationBetween(db, alice.id, remote.id)).toHaveLength(1);
    expect(isParticipant(first, alice.id)).toBe(true);
    expect(isParticipant(first, remote.id)).toBe(true);
    expect(isParticipant(first, carol.id)).toBe(false);
    expect(isParticipant(first, undefined)).toBe(false);
  });
});
