import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { Community } from "../../src/domain/communities.ts";
import { composeItem, type ItemRow } from "../../src/domain/items.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { ACTIVITY_JSON } from "../helpers/fake-peer.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import {
  activityProblems,
  announceProblems,
  followersProblems,
  groupProblems,
  outboxProblems,
  postProblems,
  voteProblems,
} from "../helpers/lemmy-shapes.ts";
import { fixture, haveFixtures } from "./fixtures-sweep/fixtures.ts";

// What Copse serves, read as Lemmy reads it. The rules in test/helpers/lemmy-shapes.ts are
// first checked against Lemmy's own example payloads (../shared/fixtures/fediverse/lemmy/),
// then applied to Copse's Group, its collections, its posts and the Create and Announces that
// publish them, all fetched over HTTP from a running instance.

if (!haveFixtures) {
  console.warn("Skipping the Lemmy shape tests: ../shared/fixtures/fediverse is absent (CI only)");
}

// biome-ignore lint/suspicious/noExplicitAny: documents are arbitrary JSON-LD.
type Json = any;

describe.skipIf(!haveFixtures)("Lemmy's rules, checked on Lemmy's own payloads", () => {
  it.each([
    ["community/announce_create_page.json", announceProblems],
    ["create_or_update/create_page.json", activityProblems],
    ["create_or_update/create_comment.json", activityProblems],
    ["create_or_update/update_page.json", activityProblems],
    ["deletion/delete_page.json", activityProblems],
    ["voting/like_note.json", voteProblems],
    ["voting/dislike_page.json", voteProblems],
    ["voting/undo_like_note.json", voteProblems],
    ["voting/undo_dislike_page.json", voteProblems],
  ])("accepts activities/%s", (path, check) => {
    expect(check(fixture(`lemmy/activities/${path}`))).toEqual([]);
  });

  it("accepts Lemmy's post, comment, group, followers and outbox", () => {
    expect(postProblems(fixture("lemmy/objects/page.json"))).toEqual([]);
    expect(postProblems(fixture("lemmy/objects/comment.json"))).toEqual([]);
    expect(groupProblems(fixture("lemmy/objects/group.json"))).toEqual([]);
    expect(followersProblems(fixture("lemmy/collections/group_followers.json"))).toEqual([]);
    expect(outboxProblems(fixture("lemmy/collections/group_outbox.json"))).toEqual([]);
  });

  // Without these, a check that accepts everything would pass every test above and below.
  it("refuses a one-item list written as a bare value, and an announced bare post", () => {
    const page = fixture("lemmy/objects/page.json");
    expect(postProblems({ ...page, to: page.to[0] })).toEqual([
      `object: to must be an array, not ${JSON.stringify(page.to[0])}`,
    ]);
    const announce = fixture("lemmy/activities/community/announce_create_page.json");
    expect(announceProblems({ ...announce, object: announce.object.object })).not.toEqual([]);
    const followers = fixture("lemmy/collections/group_followers.json");
    expect(followersProblems({ ...followers, type: "OrderedCollection" })).not.toEqual([]);
    const like = fixture("lemmy/activities/voting/like_note.json");
    expect(voteProblems({ ...like, object: { id: like.object } })).toEqual([
      "vote: object must be a string",
    ]);
    const outbox = fixture("lemmy/collections/group_outbox.json");
    const { orderedItems: _, ...withoutItems } = outbox;
    expect(outboxProblems(withoutItems)).not.toEqual([]);
  });
});

describe.skipIf(!haveFixtures)("what Copse serves, read as Lemmy reads it", () => {
  let copse: TestInstance;
  let alice: AccountWithActor;
  let garden: Community;
  let topic: ItemRow;
  let reply: ItemRow;
  let entry: ItemRow;

  async function getJson(url: string): Promise<Json> {
    const response = await fetch(url, { headers: { Accept: ACTIVITY_JSON } });
    expect(response.status, url).toBe(200);
    return response.json();
  }

  beforeAll(async () => {
    copse = await startTestInstance("Shapes");
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    const post = (kind: "topic" | "reply" | "entry", parent?: ItemRow) =>
      composeItem(copse.db, copse.origin, {
        kind,
        author: alice.actor,
        groups: [garden.actor],
        title: kind === "reply" ? "" : `A ${kind}`,
        body: `The ${kind}'s text.`,
        parent,
      });
    topic = post("topic");
    reply = post("reply", topic);
    entry = post("entry");
    for (const item of [topic, reply, entry]) await publishItemChange(copse.ctx(), item, "create");
  });
  afterAll(async () => {
    await copse?.close();
  });

  it("serves the Group with the fields Lemmy requires", async () => {
    expect(groupProblems(await getJson(garden.actor.iri))).toEqual([]);
  });

  it("serves followers as a Collection with an empty items array", async () => {
    expect(followersProblems(await getJson(`${garden.actor.iri}/followers`))).toEqual([]);
  });

  it("serves the outbox as Announce{Create} of its posts, and an empty one with orderedItems", async () => {
    const outbox = await getJson(`${garden.actor.iri}/outbox`);
    expect(outboxProblems(outbox)).toEqual([]);
    const objects = outbox.orderedItems.map((a: Json) => a.object.object.id);
    expect(objects).toEqual(expect.arrayContaining([topic.iri, entry.iri]));
    expect(objects).not.toContain(reply.iri);
    const bob = await copse.createUser("bob");
    const empty = copse.createCommunity("empty", bob, "public");
    const none = await getJson(`${empty.actor.iri}/outbox`);
    expect(none.orderedItems).toEqual([]);
    expect(outboxProblems(none)).toEqual([]);
  });

  it("serves posts, comments and entries with their one-item lists as arrays", async () => {
    for (const item of [topic, reply, entry]) {
      const doc = await getJson(item.iri);
      expect(postProblems(doc, item.kind)).toEqual([]);
      // One community: one Mention in `tag` and one followers collection in `cc`.
      expect(doc.tag).toHaveLength(1);
      expect(doc.cc).toEqual([`${garden.actor.iri}/followers`]);
    }
  });

  it("serves the Announce{Create} of a post at its id, and the Create at its own", async () => {
    const outbox = await getJson(`${garden.actor.iri}/outbox`);
    const sent = outbox.orderedItems.find((a: Json) => a.object.object.id === topic.iri);
    const announce = await getJson(sent.id);
    expect(announceProblems(announce)).toEqual([]);
    expect(announce.id).toBe(sent.id);
    const create = await getJson(announce.object.id);
    expect(activityProblems(create)).toEqual([]);
    expect(create.object.id).toBe(topic.iri);
    expect(create.actor).toBe(alice.actor.iri);
  });
});
