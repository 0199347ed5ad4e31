import { count, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { fedifyQueue, items } from "../../src/db/schema/index.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { findItemByIri, groupsOfItem } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { listRevisions } from "../../src/domain/wiki/wiki.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Attack class: forged authorship and foreign deletes through a remote community (issue 9,
// points 1 and 2). A community hosted on a hostile server that one of our people has joined
// tries to put words in that person's mouth (or a third server's person's), and to delete a
// post that lives on a third server. Copse is a real instance; both other servers are signed
// fake peers on loopback.

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";

/** Waits until the instance has handled every inbox delivery it accepted. */
async function inboxSettled(db: Db): Promise<void> {
  await eventually(
    () =>
      (db
        .select({ n: count() })
        .from(fedifyQueue)
        .where(like(fedifyQueue.message, '%"type":"inbox"%'))
        .get()?.n ?? 1) === 0,
  );
}

function itemsBy(db: Db, authorId: number): number {
  return db.select({ n: count() }).from(items).where(eq(items.authorId, authorId)).get()?.n ?? 0;
}

describe("a remote community cannot speak for others", () => {
  let copse: TestInstance;
  let hostile: FakePeer;
  let third: FakePeer;
  let alice: Awaited<ReturnType<TestInstance["createUser"]>>;
  let hostileGroup: ActorRow;
  let otherGroup: ActorRow;
  let serial = 0;

  /** A post as its server would serve it, by `author`, in `group`. */
  function post(peer: FakePeer, path: string, author: string, group: string) {
    return {
      "@context": AS_CONTEXT,
      id: peer.url(path),
      type: "Page",
      attributedTo: author,
      name: `Post ${path}`,
      content: `<p>Words of ${author}</p>`,
      to: [PUBLIC, group],
      cc: [],
      audience: group,
      published: new Date().toISOString(),
    };
  }

  /** Delivers an Announce signed by a group on `peer` to Alice's shared inbox. */
  async function announce(peer: FakePeer, groupPath: string, object: unknown): Promise<void> {
    serial += 1;
    const response = await peer.deliver(
      alice.actor.sharedInboxUrl!,
      {
        "@context": AS_CONTEXT,
        id: peer.url(`/activities/announce-${serial}`),
        type: "Announce",
        actor: peer.url(groupPath),
        object,
        to: [PUBLIC],
        cc: [peer.url(`${groupPath}/followers`)],
      },
      { as: groupPath },
    );
    expect(response.status).toBe(202);
  }

  async function joinRemote(peer: FakePeer, groupPath: string): Promise<ActorRow> {
    const group = await resolveActor(
      copse.ctx(),
      `@${peer.actor(groupPath).document.preferredUsername}@${peer.host}`,
    );
    await joinCommunity(copse.ctx(), alice.actor, group);
    const follow = await eventually(() =>
      peer.activities("Follow").find((f) => f.body.object === group.iri),
    );
    const accepted = await peer.deliver(
      alice.actor.inboxUrl!,
      {
        "@context": AS_CONTEXT,
        id: peer.url(`/activities/accept-${groupPath.slice(3)}`),
        type: "Accept",
        actor: group.iri,
        object: follow.body,
      },
      { as: groupPath },
    );
    expect(accepted.status).toBe(202);
    await eventually(() => findMembership(copse.db, group.id, alice.actor.id)?.state === "active");
    return group;
  }

  beforeAll(async () => {
    [copse, hostile, third] = await Promise.all([
      startTestInstance("Trusting"),
      startFakePeer(),
      startFakePeer(),
    ]);
    alice = await copse.createUser("alice");
    await Promise.all([
      hostile.addActor({ path: "/c/hostile", type: "Group", preferredUsername: "hostile" }),
      hostile.addActor({ path: "/u/eve", type: "Person", preferredUsername: "eve" }),
      third.addActor({ path: "/c/other", type: "Group", preferredUsername: "other" }),
      third.addActor({ path: "/u/bob", type: "Person", preferredUsername: "bob" }),
    ]);
    hostileGroup = await joinRemote(hostile, "/c/hostile");
    otherGroup = await joinRemote(third, "/c/other");
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), hostile?.close(), third?.close()]);
  });

  it("stores what the community's own people post (the control case)", async () => {
    const page = post(hostile, "/posts/by-eve", hostile.url("/u/eve"), hostileGroup.iri);
    hostile.serve("/posts/by-eve", page);
    await announce(hostile, "/c/hostile", page);
    const stored = await eventually(() => findItemByIri(copse.db, page.id));
    expect(stored.isLocal).toBe(false);
  });

  it("refuses an announced post on the community's host that names a local person as author", async () => {
    const forged = post(hostile, "/posts/forged-alice", alice.actor.iri, hostileGroup.iri);
    hostile.serve("/posts/forged-alice", forged);
    await announce(hostile, "/c/hostile", forged);
    await inboxSettled(copse.db);
    expect(findItemByIri(copse.db, forged.id)).toBeUndefined();
    expect(itemsBy(copse.db, alice.actor.id)).toBe(0);
  });

  it("refuses the same forgery sent as Announce{Create} and fetched from the community's host", async () => {
    const forged = post(hostile, "/posts/forged-alice-2", alice.actor.iri, hostileGroup.iri);
    hostile.serve("/posts/forged-alice-2", forged);
    await announce(hostile, "/c/hostile", {
      id: hostile.url("/activities/create-forged-2"),
      type: "Create",
      actor: alice.actor.iri,
      object: forged.id,
      to: [PUBLIC, hostileGroup.iri],
    });
    await inboxSettled(copse.db);
    expect(findItemByIri(copse.db, forged.id)).toBeUndefined();
    expect(itemsBy(copse.db, alice.actor.id)).toBe(0);
  });

  it("refuses an announced post on the community's host that names a third server's person", async () => {
    const bob = await resolveActor(copse.ctx(), third.url("/u/bob"));
    const forged = post(hostile, "/posts/forged-bob", bob.iri, hostileGroup.iri);
    hostile.serve("/posts/forged-bob", forged);
    await announce(hostile, "/c/hostile", forged);
    await inboxSettled(copse.db);
    expect(findItemByIri(copse.db, forged.id)).toBeUndefined();
    expect(itemsBy(copse.db, bob.id)).toBe(0);
  });

  it("shows a wiki revision that names a local person who sent no such edit as the community's", async () => {
    const pageIri = hostile.url("/wiki/handbook");
    await announce(hostile, "/c/hostile", {
      id: `${pageIri}/revisions/1`,
      type: "Create",
      actor: alice.actor.iri,
      summary: "Vandalism in Alice's name",
      to: [PUBLIC, hostileGroup.iri],
      object: {
        id: pageIri,
        type: "Article",
        attributedTo: hostileGroup.iri,
        name: "Handbook",
        content: "<p>Alice wrote this, honest.</p>",
        to: [PUBLIC, hostileGroup.iri],
      },
    });
    const page = await eventually(() => findItemByIri(copse.db, pageIri));
    const [revision] = listRevisions(copse.db, page.id);
    expect(revision?.revision.number).toBe(1);
    expect(revision?.author.iri).toBe(hostileGroup.iri);
    expect(listRevisions(copse.db, page.id).some((r) => r.author.id === alice.actor.id)).toBe(
      false,
    );
  });

  describe("deletes", () => {
    /** Stores a post by Bob in Bob's own community on the third server, as that community announces it. */
    async function bobsPost(name: string) {
      const page = post(third, `/posts/${name}`, third.url("/u/bob"), otherGroup.iri);
      third.serve(`/posts/${name}`, page);
      await announce(third, "/c/other", page);
      return eventually(() => findItemByIri(copse.db, page.id));
    }

    /** The hostile community announces a Delete of Bob's post, "by Bob". */
    async function hostileDelete(iri: string) {
      await announce(hostile, "/c/hostile", {
        id: hostile.url(`/activities/delete-${serial}`),
        type: "Delete",
        actor: third.url("/u/bob"),
        object: iri,
        to: [PUBLIC],
      });
      await inboxSettled(copse.db);
    }

    for (const [status, why] of [
      [500, "its home answers 500"],
      [401, "its home answers 401"],
      [404, "its home answers a bare 404"],
      [503, "its home is down for maintenance"],
    ] as const) {
      it(`keeps a third server's post that another community deletes when ${why}`, async () => {
        const item = await bobsPost(`kept-${status}`);
        third.answer(`/posts/kept-${status}`, status, "Something went wrong");
        await hostileDelete(item.iri);
        const after = findItemByIri(copse.db, item.iri)!;
        expect(after.deletedAt).toBeNull();
        expect(after.bodyHtml).toContain("Words of");
      });
    }

    it("deletes it when its home answers 410 Gone", async () => {
      const item = await bobsPost("gone-410");
      third.answer("/posts/gone-410", 410, "");
      await hostileDelete(item.iri);
      expect(findItemByIri(copse.db, item.iri)!.deletedAt).not.toBeNull();
    });

    it("deletes it when its home answers 404 with a Tombstone", async () => {
      const item = await bobsPost("gone-tombstone");
      third.answer(
        "/posts/gone-tombstone",
        404,
        JSON.stringify({ "@context": AS_CONTEXT, id: item.iri, type: "Tombstone" }),
        "application/activity+json",
      );
      await hostileDelete(item.iri);
      expect(findItemByIri(copse.db, item.iri)!.deletedAt).not.toBeNull();
    });

    it("lets the community that holds a post take it out of itself", async () => {
      const item = await bobsPost("moderated");
      await announce(third, "/c/other", {
        id: third.url("/activities/delete-moderated"),
        type: "Delete",
        actor: third.url("/c/other"),
        object: item.iri,
        to: [PUBLIC],
      });
      await eventually(() => findItemByIri(copse.db, item.iri)?.deletedAt);
      expect(groupsOfItem(copse.db, item.id)).toHaveLength(0);
    });
  });
});
