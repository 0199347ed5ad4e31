import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findActorByIri } from "../../src/domain/actors.ts";
import { composeItem, findItemByIri } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { WebClient } from "../helpers/client.ts";
import { ACTIVITY_JSON, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import {
  eventually,
  startTestInstance,
  TEST_PASSWORD,
  type TestInstance,
} from "../helpers/instances.ts";
import { signedIn } from "../helpers/sign-in.ts";

// Deleting an account across servers: Sunderland's people belong to a community on Somerset.
// When one deletes their account, Sunderland sends Delete{Person} and Somerset forgets them.
// A Delete{Person} is honoured only from the person's own server: signed by them, or, once
// their key is gone with them, confirmed by their server answering 410 for the actor.

const AS = "https://www.w3.org/ns/activitystreams";

describe("Delete{Person} between instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let peer: FakePeer;
  let garden: { id: number; iri: string; inboxUrl: string | null; sharedInboxUrl: string | null };

  /** The state of an actor's membership of Somerset's garden, by actor id. */
  const gardenState = (iri: string) => {
    const actor = findActorByIri(somerset.db, iri);
    return actor ? findMembership(somerset.db, garden.id, actor.id)?.state : undefined;
  };

  /** Has a fake-peer person join the garden with a signed Follow. */
  async function peerJoins(name: string) {
    const person = await peer.addActor({
      path: `/users/${name}`,
      type: "Person",
      preferredUsername: name,
    });
    const follow = {
      "@context": AS,
      id: peer.url(`/follows/${name}`),
      type: "Follow",
      actor: person.id,
      object: garden.iri,
    };
    expect((await peer.deliver(garden.inboxUrl!, follow, { as: person.path })).status).toBe(202);
    await eventually(() => gardenState(person.id) === "active");
    return person;
  }

  /** Delete{Person} as Mastodon sends it. */
  const deletePerson = (actor: string, object = actor) => ({
    "@context": AS,
    id: `${actor}#delete`,
    type: "Delete",
    actor,
    object,
    to: [`${AS}#Public`],
  });

  beforeAll(async () => {
    [somerset, sunderland, peer] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
      startFakePeer(),
    ]);
    const alice = await somerset.createUser("alice");
    garden = somerset.createCommunity("garden", alice, "public").actor;
  });

  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close(), peer?.close()]);
  });

  it("tells the remote community's server, which removes the membership and marks them gone", async () => {
    const bob = await sunderland.createUser("bob", { name: "Bob Remote" });
    const group = await resolveActor(sunderland.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), bob.actor, group);
    await eventually(() => gardenState(bob.actor.iri) === "active");

    const web = await signedIn(sunderland, "bob");
    const done = await web.post("/account/delete", { keep: "anonymise", password: TEST_PASSWORD });
    expect(done.response.status).toBe(303);

    // Sunderland: the actor is a Tombstone (410), sessions ended, the password no longer works.
    const actor = await fetch(bob.actor.iri, { headers: { accept: ACTIVITY_JSON } });
    expect(actor.status).toBe(410);
    expect((await actor.json()).type).toBe("Tombstone");
    expect((await web.get("/account")).response.status).toBe(303);
    const again = await new WebClient(sunderland.origin).post("/signin", {
      login: "bob",
      password: TEST_PASSWORD,
    });
    expect(again.response.status).toBe(422);

    // Somerset: told by the Delete{Person}, it forgets the membership and the name.
    const gone = await eventually(() => {
      const row = findActorByIri(somerset.db, bob.actor.iri);
      return row?.deletedAt ? row : undefined;
    });
    expect(gone.name).toBe("A former member");
    expect(gardenState(bob.actor.iri)).toBeUndefined();
  });

  it("deletes the posts on the community's server too when the person chose to remove them", async () => {
    const dee = await sunderland.createUser("dee");
    const group = await resolveActor(sunderland.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), dee.actor, group);
    await eventually(
      () => findMembership(sunderland.db, group.id, dee.actor.id)?.state === "active",
    );
    const post = composeItem(sunderland.db, sunderland.origin, {
      kind: "topic",
      author: dee.actor,
      groups: [group],
      title: "Dee's topic",
      body: "Soon gone",
    });
    await publishItemChange(sunderland.ctx(), post, "create");
    await eventually(() => findItemByIri(somerset.db, post.iri));

    const web = await signedIn(sunderland, "dee");
    const done = await web.post("/account/delete", { keep: "remove", password: TEST_PASSWORD });
    expect(done.response.status).toBe(303);
    const gone = await eventually(() => findItemByIri(somerset.db, post.iri)?.deletedAt);
    expect(gone).toBeInstanceOf(Date);
    await eventually(() => findActorByIri(somerset.db, dee.actor.iri)?.deletedAt);
    expect(gardenState(dee.actor.iri)).toBeUndefined();
  });

  it("refuses a Delete{Person} signed by someone on another server, and changes nothing", async () => {
    const carol = await sunderland.createUser("carol");
    const group = await resolveActor(sunderland.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), carol.actor, group);
    await eventually(() => gardenState(carol.actor.iri) === "active");
    const mallory = await peer.addActor({
      path: "/users/mallory",
      type: "Person",
      preferredUsername: "mallory",
    });

    const forged = await peer.deliver(garden.sharedInboxUrl!, deletePerson(carol.actor.iri), {
      as: mallory.path,
    });
    expect(forged.status).toBe(401);
    // Mallory deleting "herself" with carol as the object is not a person deleting themselves.
    const sideways = await peer.deliver(
      garden.sharedInboxUrl!,
      deletePerson(mallory.id, carol.actor.iri),
      { as: mallory.path },
    );
    expect(sideways.status).toBe(202);
    expect(gardenState(carol.actor.iri)).toBe("active");
    expect(findActorByIri(somerset.db, carol.actor.iri)?.deletedAt).toBeNull();
  });

  it("honours a Delete{Person} whose key is gone only when the person's own server says 410", async () => {
    const zed = await peerJoins("zed");
    const yves = await peerJoins("yves");
    // Zed's server now answers 410 for zed, key and all; yves is still there.
    peer.answer(
      zed.path,
      410,
      JSON.stringify({ "@context": AS, id: zed.id, type: "Tombstone" }),
      ACTIVITY_JSON,
    );
    const signedWithGoneKey = (path: string) => ({
      as: path,
      keyOverride: { keyId: `${peer.url(path)}#gone-key` },
    });

    const stillThere = await peer.deliver(
      garden.sharedInboxUrl!,
      deletePerson(yves.id),
      signedWithGoneKey(yves.path),
    );
    expect(stillThere.status).toBe(401);
    expect(gardenState(yves.id)).toBe("active");

    const confirmed = await peer.deliver(
      garden.sharedInboxUrl!,
      deletePerson(zed.id),
      signedWithGoneKey(zed.path),
    );
    expect(confirmed.status).toBe(202);
    expect(gardenState(zed.id)).toBeUndefined();
    expect(findActorByIri(somerset.db, zed.id)?.deletedAt).toBeInstanceOf(Date);
  });
});
