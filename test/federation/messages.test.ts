import { Note, PUBLIC_COLLECTION } from "@fedify/vocab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import { conversationBetween, findMessageByIri } from "../../src/domain/messages.ts";
import { WebClient } from "../helpers/client.ts";
import {
  eventually,
  startTestInstance,
  TEST_PASSWORD,
  type TestInstance,
} from "../helpers/instances.ts";

// Two real instances: Alice on Somerset and Bob on Sunderland write to each other through
// the web pages; each side must show the whole conversation, and the Note must be addressed
// to its recipient alone.
describe("private messages across two instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let aliceWeb: WebClient;
  let bobWeb: WebClient;

  async function signedIn(instance: TestInstance, handle: string): Promise<WebClient> {
    const web = new WebClient(instance.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  beforeAll(async () => {
    [somerset, sunderland] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
    ]);
    alice = await somerset.createUser("alice");
    bob = await sunderland.createUser("bob");
    aliceWeb = await signedIn(somerset, "alice");
    bobWeb = await signedIn(sunderland, "bob");
  });
  afterAll(async () => {
    await somerset?.close();
    await sunderland?.close();
  });

  it("delivers A -> B and B -> A, and both sides show the conversation", async () => {
    const sent = await aliceWeb.post("/messages/new", {
      to: `@bob@${sunderland.host}`,
      body: "Hello Bob, how do you plan **gritting**?",
    });
    expect(sent.response.status).toBe(303);
    expect(sent.response.headers.get("location")).toContain(`/messages/@bob@${sunderland.host}`);

    const onB = await eventually(() => {
      const alicesActor = findActorByIri(sunderland.db, alice.actor.iri);
      return alicesActor && conversationBetween(sunderland.db, bob.actor.id, alicesActor.id)[0];
    });
    expect(onB.bodyHtml).toContain("<strong>gritting</strong>");
    expect(onB.readAt).toBeNull();
    const bobsHome = await bobWeb.get("/");
    expect(bobsHome.body).toContain(" unread</span>");
    const bobsView = await bobWeb.get(`/messages/@alice@${somerset.host}`);
    expect(bobsView.response.status).toBe(200);
    expect(bobsView.body).toContain("<strong>gritting</strong>");

    const reply = await bobWeb.post(`/messages/@alice@${somerset.host}`, {
      body: "With a map and a kettle.",
    });
    expect(reply.response.status).toBe(303);
    const onA = await eventually(() => {
      const bobsActor = findActorByIri(somerset.db, bob.actor.iri);
      const thread = bobsActor
        ? conversationBetween(somerset.db, alice.actor.id, bobsActor.id)
        : [];
      return thread.length === 2 ? thread : null;
    });
    expect(onA.map((m) => m.senderId === alice.actor.id)).toEqual([true, false]);
    // The reply names the message it answers, by the id Somerset gave it.
    expect(onA[1]!.inReplyToIri).toBe(onA[0]!.iri);
    const alicesView = await aliceWeb.get(`/messages/@bob@${sunderland.host}`);
    expect(alicesView.body).toContain("With a map and a kettle.");
    expect(alicesView.body.indexOf("gritting")).toBeLessThan(
      alicesView.body.indexOf("With a map and a kettle."),
    );
  });

  it("addresses the Note to the recipient alone and serves it only to the two people", async () => {
    await aliceWeb.post("/messages/new", {
      to: `@bob@${sunderland.host}`,
      body: "Just between us",
    });
    const stored = await eventually(() =>
      conversationBetween(
        somerset.db,
        alice.actor.id,
        findActorByIri(somerset.db, bob.actor.iri)!.id,
      )
        .filter((m) => m.bodySource === "Just between us")
        .at(0),
    );
    // Bob's server fetches the Note signed as Bob: he may read it.
    const ctx = sunderland.ctx();
    const asBob = await ctx.getDocumentLoader({ identifier: "bob" });
    const note = await ctx.lookupObject(stored.iri, { documentLoader: asBob });
    expect(note).toBeInstanceOf(Note);
    expect((note as Note).toIds.map((u) => u.href)).toEqual([bob.actor.iri]);
    expect((note as Note).ccIds).toEqual([]);
    const json = JSON.stringify(await (note as Note).toJsonLd({ format: "compact" }));
    expect(json).not.toContain(PUBLIC_COLLECTION.href);
    expect(json).not.toContain("as:Public");
    expect(json).not.toContain("followers");
    expect(json).toContain('"Mention"');
    expect(await eventually(() => findMessageByIri(sunderland.db, stored.iri))).toBeDefined();

    // Anyone else is refused: unsigned requests and a third instance's own actor alike.
    const unsigned = await fetch(stored.iri, { headers: { Accept: "application/activity+json" } });
    expect(unsigned.status).toBe(401);
    const asInstance = await ctx.getDocumentLoader({ identifier: "instance" });
    await expect(ctx.lookupObject(stored.iri, { documentLoader: asInstance })).resolves.toBeNull();
  });
});
