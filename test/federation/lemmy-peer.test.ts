import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { Community } from "../../src/domain/communities.ts";
import {
  composeItem,
  deleteItem,
  editItem,
  findItemByIri,
  groupsOfItem,
  type ItemRow,
} from "../../src/domain/items.ts";
import { castVote, voteTallies } from "../../src/domain/votes.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { newVoteIri, sendLocalVote } from "../../src/federation/votes.ts";
import {
  type FakeActor,
  type FakePeer,
  type ReceivedActivity,
  rewrite,
  startFakePeer,
} from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { activityProblems, announceProblems } from "../helpers/lemmy-shapes.ts";
import { LEMMY_CONTEXT } from "./fixtures-sweep/documents.ts";
import { fixture, haveFixtures } from "./fixtures-sweep/fixtures.ts";

// Two Lemmy-shaped servers at the network boundary: each serves its person in Lemmy's shape
// (objects/person.json) and signs as Lemmy does. Both follow a Copse community with Lemmy's
// Follow; they must receive its posts, replies, edits and deletions in forms Lemmy reads
// (community/announce_create_page.json), and what one of them posts into the community, in
// Lemmy's own Create (create_or_update/create_page.json, create_comment.json), must reach the
// other as Announce{Create}. Lemmy's payloads are read in place from ../shared/fixtures.

if (!haveFixtures) {
  console.warn("Skipping the Lemmy peer tests: ../shared/fixtures/fediverse is absent (CI only)");
}

// biome-ignore lint/suspicious/noExplicitAny: activities are arbitrary JSON-LD.
type Json = any;

/** The Announce (if any) whose announced activity is of this type and is about this object. */
function announced(peer: FakePeer, type: string, objectId: string): ReceivedActivity | undefined {
  return peer.activities("Announce").find((a) => {
    const inner = a.body.object;
    const about = typeof inner?.object === "string" ? inner.object : inner?.object?.id;
    return inner?.type === type && about === objectId;
  });
}

describe.skipIf(!haveFixtures)("Lemmy servers following a Copse community", () => {
  let copse: TestInstance;
  let alpha: FakePeer;
  let beta: FakePeer;
  let alphaUser: FakeActor;
  let betaUser: FakeActor;
  let alice: AccountWithActor;
  let garden: Community;
  let topic: ItemRow;

  /** A Lemmy person on a peer, its document in Lemmy's shape. */
  async function lemmyPerson(peer: FakePeer, name: string): Promise<FakeActor> {
    return peer.addActor({
      path: `/u/${name}`,
      type: "Person",
      preferredUsername: name,
      extra: {
        ...rewrite(fixture("lemmy/objects/person.json"), {
          "https://enterprise.lemmy.ml/u/picard": peer.url(`/u/${name}`),
          "https://enterprise.lemmy.ml": peer.origin,
        }),
        "@context": LEMMY_CONTEXT,
      },
    });
  }

  /** One of Lemmy's captured activities, pointed at this peer, its person and the community. */
  function lemmyActivity(path: string, peer: FakePeer, person: FakeActor, extra = {}): Json {
    return {
      "@context": LEMMY_CONTEXT,
      ...rewrite(fixture(`lemmy/activities/${path}`), {
        "http://ds9.lemmy.ml/u/lemmy_alpha": person.id,
        "http://enterprise.lemmy.ml/c/main": garden.actor.iri,
        "https://enterprise.lemmy.ml/c/main": garden.actor.iri,
        "http://ds9.lemmy.ml": peer.origin,
        ...extra,
      }),
    };
  }

  beforeAll(async () => {
    [copse, alpha, beta] = await Promise.all([
      startTestInstance("Threads"),
      startFakePeer(),
      startFakePeer(),
    ]);
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    [alphaUser, betaUser] = await Promise.all([
      lemmyPerson(alpha, "lemmy_alpha"),
      lemmyPerson(beta, "lemmy_beta"),
    ]);
    for (const [peer, person] of [
      [alpha, alphaUser],
      [beta, betaUser],
    ] as const) {
      const follow = lemmyActivity("following/follow.json", peer, person);
      const response = await peer.deliver(garden.actor.inboxUrl!, follow, { as: person.path });
      expect(response.status).toBe(202);
      await eventually(() => peer.activities("Accept").length > 0);
    }
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), alpha?.close(), beta?.close()]);
  });

  it("sends a new topic as Announce{Create{Page}}, and as Announce{Page} for Mastodon", async () => {
    topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden.actor],
      title: "Winter gritting routes",
      body: "Which roads do you treat first?",
    });
    await publishItemChange(copse.ctx(), topic, "create");
    const announce = await eventually(() => announced(alpha, "Create", topic.iri));
    expect(announceProblems(announce.body)).toEqual([]);
    expect(announce.signer).toMatch(new RegExp(`^${garden.actor.iri}#`));
    const page = announce.body.object.object;
    expect(page.type).toBe("Page");
    expect(page.name).toBe("Winter gritting routes");
    expect(page.tag).toEqual([
      expect.objectContaining({ type: "Mention", href: garden.actor.iri }),
    ]);
    // The boost form too, with its own id, for servers that show announced objects.
    const boost = await eventually(() =>
      alpha.activities("Announce").find((a) => a.body.object?.type === "Page"),
    );
    expect(boost.body.object.id).toBe(topic.iri);
    expect(boost.body.id).not.toBe(announce.body.id);
  });

  it("sends a reply as Announce{Create{Note}} with its lists as arrays", async () => {
    const reply = composeItem(copse.db, copse.origin, {
      kind: "reply",
      author: alice.actor,
      groups: [garden.actor],
      parent: topic,
      body: "Hospitals and bus routes first.",
    });
    await publishItemChange(copse.ctx(), reply, "create");
    const announce = await eventually(() => announced(beta, "Create", reply.iri));
    expect(announceProblems(announce.body)).toEqual([]);
    const note = announce.body.object.object;
    expect(note.type).toBe("Note");
    expect(note.inReplyTo).toBe(topic.iri);
    expect(Array.isArray(note.to) && Array.isArray(note.cc) && Array.isArray(note.tag)).toBe(true);
  });

  it("sends an edit as Announce{Update} and a deletion as Announce{Delete}", async () => {
    const edited = editItem(copse.db, topic, alice.actor.id, {
      title: "Winter gritting routes (2026)",
      body: "Which roads do you treat first, and when?",
    });
    await publishItemChange(copse.ctx(), edited, "update");
    const update = await eventually(() => announced(alpha, "Update", topic.iri));
    expect(announceProblems(update.body)).toEqual([]);
    expect(update.body.object.object.name).toBe("Winter gritting routes (2026)");

    const deleted = deleteItem(copse.db, edited, alice.actor.id);
    await publishItemChange(copse.ctx(), deleted, "delete");
    const del = await eventually(() => announced(alpha, "Delete", topic.iri));
    expect(announceProblems(del.body)).toEqual([]);
  });

  it("stores a Lemmy post and comment sent into the community, and announces both to the other server", async () => {
    const post = lemmyActivity("create_or_update/create_page.json", alpha, alphaUser);
    expect((await alpha.deliver(garden.actor.inboxUrl!, post, { as: alphaUser.path })).status).toBe(
      202,
    );
    const stored = await eventually(() => findItemByIri(copse.db, post.object.id));
    expect(stored.kind).toBe("topic");
    expect(stored.title).toBe("test post");
    expect(groupsOfItem(copse.db, stored.id).map((g) => g.iri)).toEqual([garden.actor.iri]);
    // The other server gets Lemmy's own Create, holding the post as its author's server sent it.
    const relayed = await eventually(() => announced(beta, "Create", post.object.id));
    expect(announceProblems(relayed.body)).toEqual([]);
    expect(relayed.body.object.id).toBe(post.id);
    expect(relayed.body.object.actor).toBe(alphaUser.id);
    expect(relayed.body.object.object.name).toBe("test post");

    const comment = lemmyActivity("create_or_update/create_comment.json", alpha, alphaUser, {
      "http://ds9.lemmy.ml/post/1": post.object.id,
    });
    expect(comment.object.inReplyTo).toBe(post.object.id);
    expect(
      (await alpha.deliver(garden.actor.inboxUrl!, comment, { as: alphaUser.path })).status,
    ).toBe(202);
    const reply = await eventually(() => findItemByIri(copse.db, comment.object.id));
    expect(reply.kind).toBe("reply");
    expect(reply.parentId).toBe(stored.id);
    const relayedComment = await eventually(() => announced(beta, "Create", comment.object.id));
    expect(announceProblems(relayedComment.body)).toEqual([]);
    expect(activityProblems(relayedComment.body.object)).toEqual([]);
  });

  describe("votes", () => {
    let voted: ItemRow;
    const score = () => voteTallies(copse.db, [voted.id]).get(voted.id)!;

    beforeAll(async () => {
      voted = composeItem(copse.db, copse.origin, {
        kind: "topic",
        author: alice.actor,
        groups: [garden.actor],
        title: "Salt or sand?",
        body: "Which do you spread on the paths?",
      });
      await publishItemChange(copse.ctx(), voted, "create");
    });

    it("counts a Lemmy up-vote and announces it to the other server as Announce{Like}", async () => {
      const like = lemmyActivity("voting/like_note.json", alpha, alphaUser, {
        "http://ds9.lemmy.ml/comment/1": voted.iri,
        "https://enterprise.lemmy.ml/c/tenforward": garden.actor.iri,
      });
      const response = await alpha.deliver(garden.actor.inboxUrl!, like, { as: alphaUser.path });
      expect(response.status).toBe(202);
      await eventually(() => score().up === 1);
      expect(score()).toMatchObject({ up: 1, down: 0, score: 1 });
      const announce = await eventually(() => announced(beta, "Like", voted.iri));
      expect(announceProblems(announce.body)).toEqual([]);
      expect(announce.signer).toMatch(new RegExp(`^${garden.actor.iri}#`));
      expect(announce.body.actor).toBe(garden.actor.iri);
      expect(announce.body.object.id).toBe(like.id);
      expect(announce.body.object.actor).toBe(alphaUser.id);
    });

    it("takes the vote back on Lemmy's Undo, and passes the Undo on", async () => {
      const undo = lemmyActivity("voting/undo_like_note.json", alpha, alphaUser, {
        "http://ds9.lemmy.ml/comment/1": voted.iri,
        "https://enterprise.lemmy.ml/c/tenforward": garden.actor.iri,
        // Lemmy undoes the vote it sent: the same id as the Like above.
        "http://ds9.lemmy.ml/activities/like/efcf7ae2-dfcc-4ff4-9ce4-6adf251ff004": `${alpha.origin}/activities/like/fd61d070-7382-46a9-b2b7-6bb253732877`,
      });
      const response = await alpha.deliver(garden.actor.inboxUrl!, undo, { as: alphaUser.path });
      expect(response.status).toBe(202);
      await eventually(() => score().up === 0);
      const announce = await eventually(() =>
        beta.activities("Announce").find((a) => a.body.object?.id === undo.id),
      );
      expect(announceProblems(announce.body)).toEqual([]);
      expect(announce.body.object.object.type).toBe("Like");
    });

    it("counts a Dislike apart from the up-votes, once per person", async () => {
      const dislike = lemmyActivity("voting/dislike_page.json", beta, betaUser, {
        "http://enterprise.lemmy.ml/u/lemmy_beta": betaUser.id,
        "http://ds9.lemmy.ml/post/1": voted.iri,
        "https://enterprise.lemmy.ml/c/tenforward": garden.actor.iri,
        "http://enterprise.lemmy.ml": beta.origin,
      });
      for (let i = 0; i < 2; i++) {
        const response = await beta.deliver(garden.actor.inboxUrl!, dislike, {
          as: betaUser.path,
        });
        expect(response.status).toBe(202);
      }
      await eventually(() => score().down === 1);
      const announce = await eventually(() => announced(alpha, "Dislike", voted.iri));
      expect(announceProblems(announce.body)).toEqual([]);
      expect(score()).toMatchObject({ up: 0, down: 1, score: -1 });
    });

    it("counts an EmojiReact (Misskey, Akkoma) as an up-vote without passing it on", async () => {
      // EmojiReact is LitePub's term; its senders name the LitePub context, which Copse ships.
      const react = {
        "@context": [
          "https://www.w3.org/ns/activitystreams",
          `${alpha.origin}/schemas/litepub-0.1.jsonld`,
        ],
        id: `${alpha.origin}/likes/misskey-react-1`,
        type: "EmojiReact",
        actor: alphaUser.id,
        object: voted.iri,
        content: "👍",
      };
      const response = await alpha.deliver(garden.actor.inboxUrl!, react, { as: alphaUser.path });
      expect(response.status).toBe(202);
      await eventually(() => score().up === 1);
      expect(beta.activities("Announce").some((a) => a.body.object?.id === react.id)).toBe(false);
    });

    it("sends a Copse member's vote to Lemmy followers as Announce{Like} by the community", async () => {
      const id = newVoteIri(copse.ctx(), 1);
      const previous = castVote(copse.db, voted, alice.actor.id, 1, id.href);
      await sendLocalVote(copse.ctx(), voted, alice.actor, 1, previous ?? null, id);
      const announce = await eventually(() =>
        alpha.activities("Announce").find((a) => a.body.object?.id === id.href),
      );
      expect(announceProblems(announce.body)).toEqual([]);
      expect(announce.body.object).toMatchObject({
        type: "Like",
        actor: alice.actor.iri,
        object: voted.iri,
        audience: garden.actor.iri,
      });
    });
  });
});
