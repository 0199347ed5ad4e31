import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActorRow } from "../../src/domain/actors.ts";
import { composeItem } from "../../src/domain/items.ts";
import { decideMembership } from "../../src/domain/membership.ts";
import { WebClient } from "../helpers/client.ts";
import type { EventStream } from "../helpers/event-stream.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, type TestInstance } from "../helpers/instances.ts";
import { cookieOf, type LiveInstance, startLiveInstance } from "../helpers/live-instance.ts";

// New members in "What's happening now": people joining a public community, from this instance
// or from another server (a Mastodon-shaped peer following the group with a real signed Follow),
// appear on the page and over the live stream for everyone; joins of a private community only
// for its members. A stream resumed from an id written before joins were streamed still works.

/** An event's or page's HTML as the words a reader sees, spaces tidied. */
function words(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

describe("new members in the live stream", () => {
  let live: LiveInstance;
  let copse: TestInstance;
  let peer: FakePeer;
  let alice: ActorRow;
  let garden: ActorRow;
  let vault: ActorRow;
  let bob: WebClient;
  let carol: WebClient;
  let signedIn: LiveInstance["signedIn"];
  let open: LiveInstance["open"];

  /** What a stream has received so far: each entry's first line, in words. */
  const lines = (stream: EventStream) =>
    stream.events().map((e) => words(/<p[^>]*>([\s\S]*?)<\/p>/.exec(e.data)?.[1] ?? ""));

  beforeAll(async () => {
    [live, peer] = await Promise.all([startLiveInstance("Joinford"), startFakePeer()]);
    ({ copse, alice, garden, vault, bob, carol, signedIn, open } = live);
    await peer.addActor({ path: "/users/mona", type: "Person", preferredUsername: "mona" });
  });

  afterAll(async () => {
    await Promise.all([live?.close(), peer?.close()]);
  });

  it("streams and lists local and remote joins, and a private community's only to its members", async () => {
    const anonymous = await open();
    const member = await open({ cookie: cookieOf(bob) });
    const outsider = await open({ cookie: cookieOf(carol) });

    // Erin asks to join the private vault and is let in; then Dave joins the garden here and
    // Mona follows it from her own server.
    const erin = await copse.createUser("erin", { name: "Erin Evans" });
    const erinWeb = await signedIn("erin");
    expect((await erinWeb.post("/c/vault/join", {})).response.status).toBe(303);
    decideMembership(copse.db, {
      groupId: vault.id,
      memberId: erin.actor.id,
      byActorId: alice.id,
      approve: true,
    });
    await copse.createUser("dave", { name: "Dave Dixon" });
    const dave = await signedIn("dave");
    expect((await dave.post("/c/garden/join", {})).response.status).toBe(303);
    const mona = peer.actor("/users/mona");
    const follow = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: peer.url("/follows/1"),
      type: "Follow",
      actor: mona.id,
      object: garden.iri,
    };
    expect((await peer.deliver(garden.inboxUrl!, follow, { as: mona.path })).status).toBe(202);
    await eventually(() => peer.activities("Accept").length > 0);

    const monaLine = `New member: mona (${peer.host}) joined Garden`;
    await eventually(() => lines(member).includes(monaLine));
    expect(lines(member)).toEqual([
      "New member: Erin Evans joined Vault",
      "New member: Dave Dixon joined Garden",
      monaLine,
    ]);
    await eventually(() => lines(anonymous).includes(monaLine));
    await eventually(() => lines(outsider).includes(monaLine));
    // Erin's join came first, so had it been sent to these readers it would be here already.
    for (const stream of [anonymous, outsider]) {
      expect(lines(stream)).toEqual(["New member: Dave Dixon joined Garden", monaLine]);
      expect(stream.text).not.toContain("Erin");
    }
    const [sent] = anonymous.events();
    expect(sent!.event).toBe("entry");
    expect(sent!.id).toMatch(/^\d+-\d+-\d+-\d+$/);
    expect(sent!.data).toMatch(/^<li id="live-join-\d+-\d+">/);
    expect(sent!.data).toContain('href="/people/dave"');

    // The page says the same, and the same way round.
    const page = words((await new WebClient(copse.origin).get("/live")).body);
    expect(page).toContain("New member: Dave Dixon joined Garden");
    expect(page).toContain(monaLine);
    expect(page).not.toContain("Erin Evans");
    expect(page).not.toContain("Alice Adams joined");
    expect(words((await bob.get("/live")).body)).toContain("New member: Erin Evans joined Vault");
    expect(words((await carol.get("/live")).body)).not.toContain("Erin Evans");
  });

  it("resumes an event id written before joins were streamed", async () => {
    const first = await open();
    const topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice,
      groups: [garden],
      title: "Welcome, newcomers",
      body: "Say hello.",
    });
    await eventually(() => first.events().some((e) => e.data.includes(topic.title)));
    first.close();
    // The id as the stream wrote it before joins: `<item>-<revision>`.
    const [item, revision] = first.events().at(-1)!.id!.split("-");
    expect(Number(item)).toBe(topic.id);

    await copse.createUser("finn", { name: "Finn Ford" });
    expect((await (await signedIn("finn")).post("/c/garden/join", {})).response.status).toBe(303);
    composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice,
      groups: [garden],
      title: "Tool rota",
      body: "Who has the spade?",
    });

    const resumed = await open({ lastEventId: `${item}-${revision}` });
    await eventually(() => lines(resumed).includes("New forum topic: Tool rota"));
    expect(lines(resumed)).toEqual([
      "New member: Finn Ford joined Garden",
      "New forum topic: Tool rota",
    ]);
  });
});
