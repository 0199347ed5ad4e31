import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { Community } from "../../src/domain/communities.ts";
import { composeItem, findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { MAX_MENTIONS, mentionedIn } from "../../src/domain/mentions.ts";
import { notificationsFor } from "../../src/domain/notifications/feed.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Attack class: mentions used to reach people who should not be reached. A remote server
// may mention anyone in its own people's posts (that is what mentions are for), but a Mention
// tag must not let it notify our people from a post we refused (a forged author, a private
// community its author is not in), nor name a group or a made-up local id, nor notify
// thousands of people from one post. Copse is a real instance; the other server is a signed
// fake peer on loopback.

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";

describe("a remote server cannot use mentions to reach people it should not", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let mona: FakeActor;
  let alice: AccountWithActor;
  let carol: AccountWithActor;
  let garden: Community;
  let secret: Community;
  let gardenTopic: ItemRow;
  let secretTopic: ItemRow;
  let serial = 0;

  /** Mona's reply to `topic`, as her server would serve and send it. */
  function reply(topic: ItemRow, community: Community, tag: unknown[], extra = {}) {
    serial += 1;
    return {
      "@context": AS_CONTEXT,
      id: peer.url(`/notes/${serial}`),
      type: "Note",
      attributedTo: mona.id,
      inReplyTo: topic.iri,
      content: `<p>Reply ${serial}</p>`,
      to: [PUBLIC, community.actor.iri],
      cc: [],
      tag,
      published: new Date().toISOString(),
      ...extra,
    };
  }

  /** Sends a Create of `object` signed by Mona to the instance's shared inbox. */
  async function deliver(object: Record<string, unknown>): Promise<number> {
    peer.serve(new URL(object.id as string).pathname, object);
    const response = await peer.deliver(
      `${copse.origin}/ap/inbox`,
      {
        "@context": AS_CONTEXT,
        id: `${object.id}/activity`,
        type: "Create",
        actor: mona.id,
        object,
        to: object.to,
      },
      { as: mona.path },
    );
    return response.status;
  }

  const mention = (href: string, name: string) => ({ type: "Mention", href, name });

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Mentionham"), startFakePeer()]);
    alice = await copse.createUser("alice");
    carol = await copse.createUser("carol");
    garden = copse.createCommunity("garden", carol, "public");
    secret = copse.createCommunity("secret", carol, "private");
    mona = await peer.addActor({ path: "/users/mona", type: "Person", preferredUsername: "mona" });
    const topic = (community: Community) =>
      composeItem(copse.db, copse.origin, {
        kind: "topic",
        author: carol.actor,
        groups: [community.actor],
        title: "Forms",
        body: "Who has moved their forms?",
      });
    gardenTopic = topic(garden);
    secretTopic = topic(secret);
    await publishItemChange(copse.ctx(), gardenTopic, "create");
    // Mona follows the public community, as a Mastodon user does before answering in it.
    await peer.deliver(
      garden.actor.inboxUrl!,
      {
        "@context": AS_CONTEXT,
        id: peer.url("/follows/garden"),
        type: "Follow",
        actor: mona.id,
        object: garden.actor.iri,
      },
      { as: mona.path },
    );
    await eventually(() => peer.activities("Accept").length > 0);
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  it("notifies a local person a remote reply mentions (the control case)", async () => {
    const note = reply(gardenTopic, garden, [mention(alice.actor.iri, `@alice@${copse.host}`)]);
    expect(await deliver(note)).toBe(202);
    await eventually(() => findItemByIri(copse.db, note.id) !== undefined);
    const stored = findItemByIri(copse.db, note.id)!;
    expect(mentionedIn(copse.db, stored.id).map((p) => p.handle)).toEqual(["alice"]);
    expect(notificationsFor(copse.db, alice.actor.id)).toContainEqual(
      expect.objectContaining({ kind: "mention", itemId: stored.id }),
    );
  });

  it("notifies nobody from a post whose author is not on the sending server", async () => {
    const before = notificationsFor(copse.db, alice.actor.id).length;
    // Mona's server claims the post is by Carol, who lives here.
    const forged = reply(gardenTopic, garden, [mention(alice.actor.iri, "@alice")], {
      attributedTo: carol.actor.iri,
    });
    await deliver(forged);
    // A genuine reply sent afterwards is applied, so the forged one has been dealt with.
    const later = reply(gardenTopic, garden, []);
    expect(await deliver(later)).toBe(202);
    await eventually(() => findItemByIri(copse.db, later.id) !== undefined);
    expect(findItemByIri(copse.db, forged.id)).toBeUndefined();
    expect(notificationsFor(copse.db, alice.actor.id)).toHaveLength(before);
  });

  it("notifies nobody from a reply into a private community its author is not in", async () => {
    const before = notificationsFor(copse.db, alice.actor.id).length;
    const intruding = reply(secretTopic, secret, [mention(alice.actor.iri, "@alice")]);
    await deliver(intruding);
    const later = reply(gardenTopic, garden, []);
    expect(await deliver(later)).toBe(202);
    await eventually(() => findItemByIri(copse.db, later.id) !== undefined);
    expect(findItemByIri(copse.db, intruding.id)).toBeUndefined();
    expect(notificationsFor(copse.db, alice.actor.id)).toHaveLength(before);
  });

  it("ignores Mention tags naming a group or an unknown local id, and caps how many count", async () => {
    const crowd = await Promise.all(
      Array.from({ length: MAX_MENTIONS + 10 }, (_, i) => copse.createUser(`person${i}`)),
    );
    const note = reply(gardenTopic, garden, [
      mention(garden.actor.iri, "@garden"),
      mention(`${copse.origin}/ap/actors/999999`, "@nobody"),
      ...crowd.map((p) => mention(p.actor.iri, `@${p.actor.handle}`)),
    ]);
    expect(await deliver(note)).toBe(202);
    await eventually(() => findItemByIri(copse.db, note.id) !== undefined);
    const stored = findItemByIri(copse.db, note.id)!;
    const named = mentionedIn(copse.db, stored.id);
    expect(named.length).toBe(MAX_MENTIONS);
    expect(named.every((p) => p.handle.startsWith("person"))).toBe(true);
    expect(notificationsFor(copse.db, garden.actor.id)).toEqual([]);
  });
});
