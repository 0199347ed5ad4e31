import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { decideRequest, joinCommunity } from "../../src/federation/membership.ts";
import {
  type FakePeer,
  type ReceivedActivity,
  rewrite,
  startFakePeer,
} from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Real payloads captured from Mastodon, Lemmy and Mbin, fed through the real inbox of a real
// Copse instance by a fake foreign server that signs them as those servers do. The fixtures
// live beside the project in CI only; they are read in place and never copied in.
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURES = join(projectRoot, "..", "shared", "fixtures", "fediverse");
const haveFixtures = existsSync(FIXTURES);
if (!haveFixtures) {
  console.warn(
    `Skipping fixture interop tests: ../shared/fixtures/fediverse not found (it exists only in CI); looked in ${FIXTURES}`,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: fixtures are arbitrary JSON-LD.
function fixture(path: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, path), "utf8"));
}

/** The membership of one actor in one group, both named by ActivityPub id, as Copse stores it. */
function membershipOf(db: Db, groupIri: string, memberIri: string) {
  const group = findActorByIri(db, groupIri);
  const member = findActorByIri(db, memberIri);
  return group && member ? findMembership(db, group.id, member.id) : undefined;
}

/** Whether an Accept the peer received answers the Follow with this id (embedded or by id). */
function answers(received: ReceivedActivity, followId: string): boolean {
  const object = received.body?.object;
  return (typeof object === "string" ? object : object?.id) === followId;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Lemmy stores its sample activities without @context and adds this one when it sends them
 * (crates/apub WithContext). The fixtures are used unchanged otherwise; see the Lemmy Follow
 * test for what Copse does with the context-less form.
 */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are arbitrary JSON-LD.
function withLemmyContext(activity: any): any {
  return {
    "@context": ["https://join-lemmy.org/context.json", "https://www.w3.org/ns/activitystreams"],
    ...activity,
  };
}

/** A Lemmy fixture, rewritten and given the @context Lemmy sends it with. */
function rewriteLemmy(path: string, map: Record<string, string>) {
  return withLemmyContext(rewrite(fixture(path), map));
}

describe.skipIf(!haveFixtures)("real fediverse membership payloads through Copse's inbox", () => {
  let copse: TestInstance;
  let peer: FakePeer;

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Interop"), startFakePeer()]);
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  it("accepts a Mastodon Follow of a public community at once and honours its Undo", async () => {
    const owner = await copse.createUser("fay");
    const garden = copse.createCommunity("garden", owner, "public").actor;
    // The actor document is Mastodon's own shape, pointed at the fake peer.
    const masto = await peer.addActor({
      path: "/users/asonix",
      type: "Person",
      preferredUsername: "asonix",
      extra: rewrite(fixture("mastodon/objects/person.json"), {
        "https://masto.qa.urbanwildlife.biz/users/mastodon": peer.url("/users/asonix"),
        "https://masto.qa.urbanwildlife.biz": peer.origin,
      }),
    });
    const map = {
      "https://masto.asonix.dog/users/asonix": masto.id,
      "https://ds9.lemmy.ml/c/testcom": garden.iri,
      "https://masto.asonix.dog": peer.origin,
    };
    const follow = rewrite(fixture("mastodon/activities/follow.json"), map);

    const response = await peer.deliver(garden.inboxUrl!, follow, { as: masto.path });
    expect(response.status).toBe(202);
    await eventually(() => membershipOf(copse.db, garden.iri, masto.id)?.state === "active");
    const accept = await eventually(() =>
      peer.activities("Accept").find((a) => answers(a, follow.id)),
    );
    expect(accept.path).toBe("/users/asonix/inbox");
    expect(accept.body.actor).toBe(garden.iri);
    // Signed by the group's own key, as Mastodon requires of an Accept.
    expect(accept.signer).toMatch(new RegExp(`^${garden.iri}#`));

    // Mastodon's Undo embeds the Follow and has a fragment id; it goes to the shared inbox.
    const undo = rewrite(fixture("mastodon/activities/undo_follow.json"), map);
    expect(undo.id).toContain("#follows/");
    const undone = await peer.deliver(garden.sharedInboxUrl!, undo, { as: masto.path });
    expect(undone.status).toBe(202);
    await eventually(() => membershipOf(copse.db, garden.iri, masto.id) === undefined);
  });

  it("accepts Lemmy's Follow and Undo, which carry `to`", async () => {
    const owner = await copse.createUser("gil");
    const allotments = copse.createCommunity("allotments", owner, "public").actor;
    const alpha = await peer.addActor({
      path: "/u/lemmy_alpha",
      type: "Person",
      preferredUsername: "lemmy_alpha",
      extra: rewrite(fixture("lemmy/objects/person.json"), {
        "https://enterprise.lemmy.ml/u/picard": peer.url("/u/lemmy_alpha"),
        "https://enterprise.lemmy.ml": peer.origin,
      }),
    });
    const map = {
      "http://ds9.lemmy.ml/u/lemmy_alpha": alpha.id,
      "http://enterprise.lemmy.ml/c/main": allotments.iri,
      "http://ds9.lemmy.ml": peer.origin,
    };
    const stored = rewrite(fixture("lemmy/activities/following/follow.json"), map);
    // Lemmy's captured payloads have no @context: Lemmy adds it only when it sends them. As
    // stored, the JSON-LD has no terms at all, so Fedify finds no actor and answers 400.
    const bare = await peer.deliver(allotments.inboxUrl!, stored, { as: alpha.path });
    expect(bare.status).toBe(400);
    expect(await bare.text()).toBe("Missing actor.");
    await pause(300);
    expect(membershipOf(copse.db, allotments.iri, alpha.id)).toBeUndefined();

    // On the wire, Lemmy 0.19 sends this @context (Fedify has the Lemmy context preloaded).
    const follow = withLemmyContext(stored);
    const response = await peer.deliver(allotments.inboxUrl!, follow, { as: alpha.path });
    expect(response.status).toBe(202);
    await eventually(() => membershipOf(copse.db, allotments.iri, alpha.id)?.state === "active");
    await eventually(() => peer.activities("Accept").find((a) => answers(a, follow.id)));

    // Lemmy's captured Undo embeds a Follow with another id than the Follow above, so Copse
    // cannot match it by id and must fall back to the embedded Follow's actor and object.
    const undo = withLemmyContext(
      rewrite(fixture("lemmy/activities/following/undo_follow.json"), map),
    );
    expect(undo.object.id).not.toBe(follow.id);
    const undone = await peer.deliver(allotments.inboxUrl!, undo, { as: alpha.path });
    expect(undone.status).toBe(202);
    await eventually(() => membershipOf(copse.db, allotments.iri, alpha.id) === undefined);
  });

  it("keeps a Follow of a private community pending until a facilitator approves it", async () => {
    const owner = await copse.createUser("hedda");
    const planning = copse.createCommunity("planning", owner, "private").actor;
    const carol = await peer.addActor({
      path: "/users/carol",
      type: "Person",
      preferredUsername: "carol",
    });
    const follow = rewrite(fixture("mastodon/activities/follow.json"), {
      "https://masto.asonix.dog/1ea87517-63c5-4118-8831-460ee641b2cf": peer.url("/follows/carol-1"),
      "https://masto.asonix.dog/users/asonix": carol.id,
      "https://ds9.lemmy.ml/c/testcom": planning.iri,
    });
    // Copse may dereference the Follow when it answers, so the peer serves it too.
    peer.serve("/follows/carol-1", follow);

    expect((await peer.deliver(planning.inboxUrl!, follow, { as: carol.path })).status).toBe(202);
    await eventually(() => membershipOf(copse.db, planning.iri, carol.id)?.state === "pending");
    // Give a wrongly sent Accept time to arrive before asserting that none did.
    await pause(500);
    expect(peer.activities().filter((a) => answers(a, follow.id))).toEqual([]);

    const member = findActorByIri(copse.db, carol.id)!;
    await decideRequest(copse.ctx(), {
      group: planning,
      member,
      byActorId: owner.actor.id,
      approve: true,
    });
    const accept = await eventually(() =>
      peer.activities("Accept").find((a) => answers(a, follow.id)),
    );
    expect(accept.body.actor).toBe(planning.iri);
    expect(membershipOf(copse.db, planning.iri, carol.id)?.state).toBe("active");
  });

  /** A Copse user asks a group on the fake peer to join; returns the Follow the peer got. */
  async function followRemoteGroup(userHandle: string, groupPath: string) {
    const user = await copse.createUser(userHandle);
    const group = await resolveActor(
      copse.ctx(),
      `@${peer.actor(groupPath).document.preferredUsername}@${peer.host}`,
    );
    const pending = await joinCommunity(copse.ctx(), user.actor, group);
    expect(pending.state).toBe("pending");
    const follow = await eventually(() =>
      peer
        .activities("Follow")
        .find((f) => f.body.actor === user.actor.iri && f.body.object === group.iri),
    );
    expect(follow.path).toBe(`${groupPath}/inbox`);
    return { user, group, follow: follow.body };
  }

  it("applies Lemmy's Accept of a Copse user's Follow", async () => {
    await peer.addActor({
      path: "/c/main",
      type: "Group",
      preferredUsername: "main",
      extra: rewrite(fixture("lemmy/objects/group.json"), {
        "https://enterprise.lemmy.ml/c/tenforward": peer.url("/c/main"),
        "https://enterprise.lemmy.ml": peer.origin,
      }),
    });
    const { user, group, follow } = await followRemoteGroup("ines", "/c/main");
    const accept = rewriteLemmy("lemmy/activities/following/accept.json", {
      "http://ds9.lemmy.ml/activities/follow/6abcd50b-b8ca-4952-86b0-a6dd8cc12866": follow.id,
      "http://ds9.lemmy.ml/u/lemmy_alpha": user.actor.iri,
      "http://enterprise.lemmy.ml/c/main": group.iri,
      "http://enterprise.lemmy.ml": peer.origin,
    });
    expect((await peer.deliver(user.actor.inboxUrl!, accept, { as: "/c/main" })).status).toBe(202);
    await eventually(() => findMembership(copse.db, group.id, user.actor.id)?.state === "active");
  });

  describe("Mbin's Accept", () => {
    beforeAll(async () => {
      await peer.addActor({ path: "/m/someMag", type: "Group", preferredUsername: "someMag" });
    });

    const MBIN_FOLLOW_ID =
      "https://some-other.instance/f/object/c51ea652-e594-4920-a989-f5350f0cec05";

    /** Points Mbin's Accept at the fake peer and Copse; `followId` null keeps Mbin's own id. */
    function mbinAccept(followId: string | null, userIri: string, groupIri: string) {
      return rewrite(fixture("mbin/activities/accept.json"), {
        ...(followId ? { [MBIN_FOLLOW_ID]: followId } : {}),
        "https://some-other.instance/u/someUser": userIri,
        "https://some-mbin.instance/m/someMag": groupIri,
        "https://some-mbin.instance": peer.origin,
        "https://some-other.instance": copse.origin,
      });
    }

    it("is applied when its embedded Follow carries our id", async () => {
      const { user, group, follow } = await followRemoteGroup("jude", "/m/someMag");
      const accept = mbinAccept(follow.id, user.actor.iri, group.iri);
      expect(accept.object.id).toBe(follow.id);
      expect((await peer.deliver(user.actor.inboxUrl!, accept, { as: "/m/someMag" })).status).toBe(
        202,
      );
      await eventually(() => findMembership(copse.db, group.id, user.actor.id)?.state === "active");
    });

    it("is applied by the embedded Follow's actor when its id is Mbin's own", async () => {
      const { user, group, follow } = await followRemoteGroup("kit", "/m/someMag");
      // Leave the captured Follow id as Mbin made it (only its host moved), and give the Accept
      // an id of its own so Fedify's idempotency check does not drop it as a repeat.
      const accept = mbinAccept(null, user.actor.iri, group.iri);
      accept.id = peer.url("/f/object/kit-accept#accept");
      expect(accept.object.id).not.toBe(follow.id);
      expect(accept.object.actor).toBe(user.actor.iri);
      expect(
        (await peer.deliver(user.actor.sharedInboxUrl!, accept, { as: "/m/someMag" })).status,
      ).toBe(202);
      await eventually(() => findMembership(copse.db, group.id, user.actor.id)?.state === "active");
    });
  });

  describe("bad input", () => {
    let commons: { iri: string; inboxUrl: string | null };
    let follow: (actorId: string, suffix: string) => Record<string, unknown>;

    beforeAll(async () => {
      const owner = await copse.createUser("lou");
      commons = copse.createCommunity("commons", owner, "public").actor;
      await Promise.all([
        peer.addActor({ path: "/users/mallory", type: "Person", preferredUsername: "mallory" }),
        peer.addActor({ path: "/users/victim", type: "Person", preferredUsername: "victim" }),
      ]);
      const template = fixture("mastodon/activities/follow.json");
      follow = (actorId, suffix) =>
        rewrite(template, {
          "https://masto.asonix.dog/1ea87517-63c5-4118-8831-460ee641b2cf": peer.url(
            `/follows/${suffix}`,
          ),
          "https://masto.asonix.dog/users/asonix": actorId,
          "https://ds9.lemmy.ml/c/testcom": commons.iri,
        });
    });

    /** Asserts, after giving a queued activity time to run, that the actor did not join. */
    async function expectNotStored(actorId: string) {
      await pause(500);
      expect(membershipOf(copse.db, commons.iri, actorId)).toBeUndefined();
    }

    // Without this, a broken community would make every "nothing was stored" below pass.
    it("accepts a well-formed signed Follow (the control for the cases below)", async () => {
      const control = await peer.addActor({
        path: "/users/control",
        type: "Person",
        preferredUsername: "control",
      });
      const response = await peer.deliver(commons.inboxUrl!, follow(control.id, "control"), {
        as: control.path,
      });
      expect(response.status).toBe(202);
      await eventually(() => membershipOf(copse.db, commons.iri, control.id)?.state === "active");
    });

    it("refuses an unsigned POST with 401", async () => {
      const mallory = peer.actor("/users/mallory");
      const response = await peer.deliver(commons.inboxUrl!, follow(mallory.id, "unsigned"));
      expect(response.status).toBe(401);
      await expectNotStored(mallory.id);
    });

    it("refuses an activity whose actor is not the signer with 401", async () => {
      const victim = peer.actor("/users/victim");
      const response = await peer.deliver(commons.inboxUrl!, follow(victim.id, "forged"), {
        as: "/users/mallory",
      });
      expect(response.status).toBe(401);
      expect(await response.text()).toMatch(/signer and the actor do not match/);
      await expectNotStored(victim.id);
    });

    it("refuses a signature made with a key other than the one the actor publishes with 401", async () => {
      const [mallory, victim] = [peer.actor("/users/mallory"), peer.actor("/users/victim")];
      const response = await peer.deliver(commons.inboxUrl!, follow(victim.id, "wrong-key"), {
        as: victim.path,
        keyOverride: { privateKey: mallory.privateKey },
      });
      expect(response.status).toBe(401);
      await expectNotStored(victim.id);
    });

    it("refuses malformed JSON with 400", async () => {
      const mallory = peer.actor("/users/mallory");
      const broken = JSON.stringify(follow(mallory.id, "broken")).slice(0, -2);
      const response = await peer.deliver(commons.inboxUrl!, broken, { as: mallory.path });
      expect(response.status).toBe(400);
      await expectNotStored(mallory.id);
    });

    it("refuses a body over 1 MiB with 413", async () => {
      const mallory = peer.actor("/users/mallory");
      const huge = { ...follow(mallory.id, "huge"), summary: "x".repeat(1024 * 1024 + 1) };
      const response = await peer.deliver(commons.inboxUrl!, huge, { as: mallory.path });
      expect(response.status).toBe(413);
      await expectNotStored(mallory.id);
    });

    // Fedify hands a POST for an unknown recipient to the web routes (onNotFound), which must
    // answer 404 like any other unknown path, not treat it as a form.
    it("answers 404 for the inbox of an actor that does not exist", async () => {
      const mallory = peer.actor("/users/mallory");
      const response = await peer.deliver(
        `${copse.origin}/ap/actors/nobody/inbox`,
        follow(mallory.id, "nobody"),
        {
          as: mallory.path,
        },
      );
      expect(response.status).toBe(404);
      await expectNotStored(mallory.id);
    });
  });
});
