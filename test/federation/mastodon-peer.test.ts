import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { composeItem, findItemByIri, groupsOfItem } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import {
  ACTIVITY_JSON,
  type FakeActor,
  type FakePeer,
  startFakePeer,
} from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

// A Mastodon-shaped peer: plain signed HTTP and Mastodon's JSON shapes, no Copse on the other
// side. It follows a public community, sees posts as boosts, and takes part by mentioning the
// group and replying, which is all a Mastodon user can do.
describe("a Mastodon user and a Copse community", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let mona: FakeActor;
  let nora: FakeActor;
  let alice: AccountWithActor;
  let garden: Community;
  let statusCounter = 0;

  /** A public Mastodon status mentioning the group, delivered in a Create. */
  function mastodonStatus(author: FakeActor, html: string, inReplyTo: string | null = null) {
    const id = `${author.id}/statuses/${++statusCounter}`;
    const note = {
      id,
      type: "Note",
      attributedTo: author.id,
      inReplyTo,
      content: html,
      published: new Date().toISOString(),
      url: `${peer.url("/@")}${author.path.split("/").pop()}/${statusCounter}`,
      to: [AS_PUBLIC],
      cc: [`${author.id}/followers`, garden.actor.iri],
      tag: [{ type: "Mention", href: garden.actor.iri, name: `@garden@${copse.host}` }],
    };
    peer.serve(new URL(id).pathname, {
      "@context": "https://www.w3.org/ns/activitystreams",
      ...note,
    });
    return {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${id}/activity`,
      type: "Create",
      actor: author.id,
      to: note.to,
      cc: note.cc,
      object: note,
    };
  }

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Somerset"), startFakePeer()]);
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    mona = await peer.addActor({ path: "/users/mona", type: "Person", preferredUsername: "mona" });
    nora = await peer.addActor({ path: "/users/nora", type: "Person", preferredUsername: "nora" });
    const follow = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: peer.url("/follows/1"),
      type: "Follow",
      actor: mona.id,
      object: garden.actor.iri,
    };
    expect((await peer.deliver(garden.actor.inboxUrl!, follow, { as: mona.path })).status).toBe(
      202,
    );
    await eventually(() => peer.activities("Accept").length > 0);
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  it("delivers a community's new topic to the follower as a boost of the post", async () => {
    const topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden.actor],
      title: "Street lighting",
      body: "Who has switched to LED?",
    });
    await publishItemChange(copse.ctx(), topic, "create");
    const announce = await eventually(() =>
      peer.activities("Announce").find((a) => (a.body.object?.id ?? a.body.object) === topic.iri),
    );
    expect(announce.body.actor).toBe(garden.actor.iri);
    expect(announce.body.object.type).toBe("Page");
    expect(announce.body.object.name).toBe("Street lighting");
    expect(announce.body.to).toContain(AS_PUBLIC);
    // The page can be fetched by anyone, as Mastodon does to show it.
    const fetched = await fetch(topic.iri, { headers: { accept: ACTIVITY_JSON } });
    expect(fetched.status).toBe(200);
    expect((await fetched.json()).attributedTo).toBe(alice.actor.iri);
  });

  it("starts a topic when the Mastodon user mentions the group, and announces it", async () => {
    const create = mastodonStatus(
      mona,
      `<p><span class="h-card"><a href="${garden.actor.url}" class="u-url mention">@<span>garden</span></a></span> Bulky waste collections</p><p>How do you charge for them?</p>`,
    );
    expect((await peer.deliver(`${copse.origin}/ap/inbox`, create, { as: mona.path })).status).toBe(
      202,
    );
    const topic = await eventually(() => findItemByIri(copse.db, create.object.id));
    expect(topic.kind).toBe("topic");
    expect(topic.title).toBe("Bulky waste collections");
    expect(groupsOfItem(copse.db, topic.id).map((g) => g.iri)).toEqual([garden.actor.iri]);
    await eventually(() =>
      peer
        .activities("Announce")
        .some((a) => (a.body.object?.id ?? a.body.object) === create.object.id),
    );
  });

  it("threads the Mastodon user's reply under a community topic", async () => {
    const topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden.actor],
      title: "Tree surveys",
      body: "Annual or biennial?",
    });
    await publishItemChange(copse.ctx(), topic, "create");
    const reply = mastodonStatus(mona, "<p>Biennial here, annual near schools.</p>", topic.iri);
    expect((await peer.deliver(`${copse.origin}/ap/inbox`, reply, { as: mona.path })).status).toBe(
      202,
    );
    const stored = await eventually(() => findItemByIri(copse.db, reply.object.id));
    expect(stored.kind).toBe("reply");
    expect(stored.parentId).toBe(topic.id);
    expect(stored.bodyHtml).toContain("annual near schools");
  });

  it("ignores posts from someone who does not follow the community", async () => {
    const stranger = mastodonStatus(nora, "<p>@garden Buy cheap watches</p>");
    expect(
      (await peer.deliver(`${copse.origin}/ap/inbox`, stranger, { as: nora.path })).status,
    ).toBe(202);
    await new Promise((r) => setTimeout(r, 500));
    expect(findItemByIri(copse.db, stranger.object.id)).toBeUndefined();
    expect(
      peer
        .activities("Announce")
        .some((a) => (a.body.object?.id ?? a.body.object) === stranger.object.id),
    ).toBe(false);
    const noraRow = findActorByIri(copse.db, nora.id);
    expect(
      noraRow ? findMembership(copse.db, garden.actor.id, noraRow.id) : undefined,
    ).toBeUndefined();
  });
});
