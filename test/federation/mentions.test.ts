import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { composeItem, findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { mentionedIn } from "../../src/domain/mentions.ts";
import { notificationsFor } from "../../src/domain/notifications/feed.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { learnMentionedPeople } from "../../src/federation/mentions.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { type FakeActor, type FakePeer, rewrite, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURES = join(projectRoot, "..", "shared", "fixtures", "fediverse");
const haveFixtures = existsSync(FIXTURES);
if (!haveFixtures) {
  console.warn(
    `Skipping the Mastodon mention fixture test: ../shared/fixtures/fediverse not found; looked in ${FIXTURES}`,
  );
}

// Mentions between real instances: a Copse person mentions someone on another Copse instance
// and someone on a Mastodon-shaped server; each hears of it as their own server expects, and
// a mention in a private community reaches nobody outside it.
describe("mentions across servers", () => {
  let somerset: TestInstance;
  let devon: TestInstance;
  let peer: FakePeer;
  let mona: FakeActor;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let garden: Community;
  let secret: Community;

  /** What the fake peer received from the author (not a group's boost) about an object. */
  function deliveredToMona(iri: string) {
    return peer.received.filter((r) => {
      const object = r.body?.object;
      return r.body?.type !== "Announce" && (object?.id ?? object) === iri;
    });
  }

  /** Alice writes a topic, looking up the people it mentions first, as the web layer does. */
  async function post(
    community: Community,
    body: string,
    author: AccountWithActor = alice,
  ): Promise<ItemRow> {
    await learnMentionedPeople(somerset.ctx(), body);
    const topic = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: author.actor,
      groups: [community.actor],
      title: "Forms",
      body,
    });
    await publishItemChange(somerset.ctx(), topic, "create");
    return topic;
  }

  beforeAll(async () => {
    [somerset, devon, peer] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Devon"),
      startFakePeer(),
    ]);
    alice = await somerset.createUser("alice");
    bob = await devon.createUser("bob");
    garden = somerset.createCommunity("garden", alice, "public");
    secret = somerset.createCommunity("secret", alice, "private");
    mona = await peer.addActor({ path: "/users/mona", type: "Person", preferredUsername: "mona" });
    const gardenOnDevon: ActorRow = await resolveActor(devon.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(devon.ctx(), bob.actor, gardenOnDevon);
    await eventually(isMember);
  });
  afterAll(async () => {
    await Promise.all([somerset?.close(), devon?.close(), peer?.close()]);
  });

  function isMember(): boolean {
    return (
      somerset.db.$client
        .prepare(
          "SELECT 1 FROM memberships m JOIN actors a ON a.id = m.member_id WHERE a.handle = 'bob' AND m.state = 'active'",
        )
        .get() !== undefined
    );
  }

  it("sends a public post to the Mastodon person it mentions, tagged and addressed as Mastodon expects", async () => {
    const topic = await post(garden, `Over to @mona@${peer.host} and @bob@${devon.host}.`);
    expect(topic.bodyHtml).toContain(`href="/people/mona%40${encodeURIComponent(peer.host)}"`);
    await eventually(() => deliveredToMona(topic.iri).length > 0);
    const [received] = deliveredToMona(topic.iri);
    expect(received!.body.type).toBe("Create");
    expect(received!.signer).toBe(`${alice.actor.iri}#main-key`);
    const tags = [received!.body.object.tag].flat();
    expect(tags).toContainEqual(
      expect.objectContaining({ type: "Mention", href: mona.id, name: `@mona@${peer.host}` }),
    );
    expect([received!.body.object.cc].flat()).toContain(mona.id);
  });

  it("notifies the person mentioned on another Copse instance, there", async () => {
    const topic = await post(garden, `What do you think, @bob@${devon.host}?`);
    await eventually(() => findItemByIri(devon.db, topic.iri) !== undefined);
    const copy = findItemByIri(devon.db, topic.iri)!;
    await eventually(() => notificationsFor(devon.db, bob.actor.id).length > 0);
    expect(notificationsFor(devon.db, bob.actor.id)).toContainEqual(
      expect.objectContaining({ kind: "mention", itemId: copy.id }),
    );
  });

  it("sends a mention in a private community to nobody outside it", async () => {
    const hidden = await post(secret, `Secret plans, @mona@${peer.host} and @bob@${devon.host}`);
    // The mentions are kept (the text links them) but nothing is sent to them.
    expect(
      mentionedIn(somerset.db, hidden.id)
        .map((p) => p.handle)
        .sort(),
    ).toEqual(["bob", "mona"]);
    // A public post written afterwards arrives; the private one never did.
    const later = await post(garden, `And now in public, @mona@${peer.host}`);
    await eventually(() => deliveredToMona(later.iri).length > 0);
    expect(deliveredToMona(hidden.iri)).toEqual([]);
    expect(JSON.stringify(peer.received)).not.toContain("Secret plans");
    await eventually(() => findItemByIri(devon.db, later.iri) !== undefined);
    expect(findItemByIri(devon.db, hidden.iri)).toBeUndefined();
    expect(notificationsFor(devon.db, bob.actor.id).map((n) => n.itemId)).not.toContain(hidden.id);
  });

  it.skipIf(!haveFixtures)(
    "notifies a local person a Mastodon status mentions (captured Mastodon payload)",
    async () => {
      // Mona follows the community, then answers a topic mentioning Alice, in Mastodon's shape.
      const follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: peer.url("/follows/mentions"),
        type: "Follow",
        actor: mona.id,
        object: garden.actor.iri,
      };
      await peer.deliver(garden.actor.inboxUrl!, follow, { as: mona.path });
      await eventually(() => peer.activities("Accept").length > 0);
      // Carol's topic, so that Mona's answer is news to Alice only as a mention.
      const carol = await somerset.createUser("carol");
      requestMembership(somerset.db, { groupId: garden.actor.id, memberId: carol.actor.id });
      const topic = await post(garden, "A topic to answer", carol);
      const fixture = JSON.parse(
        readFileSync(join(FIXTURES, "mastodon/activities/create_note.json"), "utf8"),
      );
      const activity = rewrite(fixture, {
        "https://mastodon.madrid/users/felix": mona.id,
        "https://mastodon.madrid/@felix": peer.url("/@mona"),
        "https://mamot.fr/users/retiolus/statuses/107224244380204526": topic.iri,
        "https://mamot.fr/users/retiolus": alice.actor.iri,
        "https://mamot.fr/@retiolus": `${somerset.origin}/people/alice`,
        "@retiolus@mamot.fr": `@alice@${somerset.host}`,
      });
      activity.object.cc.push(garden.actor.iri);
      activity.cc.push(garden.actor.iri);
      peer.serve(new URL(activity.object.id).pathname, {
        "@context": activity["@context"],
        ...activity.object,
      });
      const answer = await peer.deliver(`${somerset.origin}/ap/inbox`, activity, {
        as: mona.path,
      });
      expect(answer.status).toBe(202);
      await eventually(() => findItemByIri(somerset.db, activity.object.id) !== undefined);
      const stored = findItemByIri(somerset.db, activity.object.id)!;
      expect(mentionedIn(somerset.db, stored.id).map((p) => p.handle)).toEqual(["alice"]);
      expect(notificationsFor(somerset.db, alice.actor.id)).toContainEqual(
        expect.objectContaining({ kind: "mention", itemId: stored.id }),
      );
    },
  );
});
