import { createPublicKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { decideRequest } from "../../src/federation/membership.ts";
import {
  ACTIVITY_JSON,
  type FakeActor,
  type FakePeer,
  startFakePeer,
} from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// What a remote server sees of Copse over plain HTTP: WebFinger, actor documents, their
// collections, NodeInfo, and the browser redirect from an actor id to its page. Everything
// is fetched from a running instance, never built in process.

// biome-ignore lint/suspicious/noExplicitAny: documents are arbitrary JSON-LD.
type Json = any;

/** The ids of a collection's items, whether Fedify embedded them or named them. */
function itemIds(collection: Json): string[] {
  const items = collection.orderedItems ?? collection.items ?? [];
  return (Array.isArray(items) ? items : [items]).map((item: Json) =>
    typeof item === "string" ? item : item.id,
  );
}

/** Values of a JSON-LD property that may be one value or an array of them. */
function many(value: Json): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

describe("federation endpoints over HTTP", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let otherPeer: FakePeer;
  let alice: AccountWithActor;
  let fran: AccountWithActor;
  let accountsCreated = 0;

  async function createUser(handle: string) {
    const account = await copse.createUser(handle);
    accountsCreated += 1;
    return account;
  }

  async function getJson(
    url: string,
    accept = ACTIVITY_JSON,
  ): Promise<{ status: number; body: Json }> {
    const response = await fetch(url, { headers: { Accept: accept } });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  beforeAll(async () => {
    [copse, peer, otherPeer] = await Promise.all([
      startTestInstance("Endpoints"),
      startFakePeer(),
      startFakePeer(),
    ]);
    alice = await createUser("alice");
    fran = await createUser("fran");
    copse.createCommunity("garden", alice, "public");
    copse.createCommunity("planning", fran, "private");
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close(), otherPeer?.close()]);
  });

  it.each([
    ["a person", "alice"],
    ["a community", "garden"],
  ])("answers WebFinger for %s", async (_kind, handle) => {
    const resource = `acct:${handle}@${copse.host}`;
    const { status, body } = await getJson(
      `${copse.origin}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`,
      "application/jrd+json",
    );
    expect(status).toBe(200);
    expect(body.subject).toBe(resource);
    const self = body.links.find((l: Json) => l.rel === "self" && l.type === ACTIVITY_JSON);
    expect(self?.href).toBe(`${copse.origin}/ap/actors/${handle}`);
  });

  it("answers WebFinger with 404 for a handle nobody has", async () => {
    const resource = `acct:nobody@${copse.host}`;
    const response = await fetch(
      `${copse.origin}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`,
    );
    expect(response.status).toBe(404);
  });

  it.each([
    ["Person", "alice"],
    ["Group", "garden"],
  ])("serves a %s document with inboxes, collections and both keys", async (type, handle) => {
    const id = `${copse.origin}/ap/actors/${handle}`;
    const { status, body } = await getJson(id);
    expect(status).toBe(200);
    expect(body.type).toBe(type);
    expect(body.id).toBe(id);
    expect(body.preferredUsername).toBe(handle);
    expect(body.inbox).toBe(`${id}/inbox`);
    expect(body.endpoints?.sharedInbox).toBe(`${copse.origin}/ap/inbox`);
    expect(body.outbox).toBe(`${id}/outbox`);
    expect(body.followers).toBe(`${id}/followers`);
    expect(body.following).toBe(`${id}/following`);

    // Mastodon and Lemmy verify with the RSA publicKey; newer servers with an Ed25519 Multikey.
    expect(body.publicKey.owner).toBe(id);
    expect(body.publicKey.id.startsWith(`${id}#`)).toBe(true);
    expect(createPublicKey(body.publicKey.publicKeyPem).asymmetricKeyType).toBe("rsa");
    const multikeys = many(body.assertionMethod);
    const ed25519 = multikeys.find(
      (k: Json) => k.type === "Multikey" && k.publicKeyMultibase?.startsWith("z6Mk"),
    );
    expect(ed25519?.controller).toBe(id);
  });

  it("marks a private group as approving followers by hand, and a public one not", async () => {
    const privateGroup = await getJson(`${copse.origin}/ap/actors/planning`);
    expect(privateGroup.body.manuallyApprovesFollowers).toBe(true);
    const publicGroup = await getJson(`${copse.origin}/ap/actors/garden`);
    expect(publicGroup.body.manuallyApprovesFollowers).toBe(false);
  });

  it("names the facilitators in a moderators collection the group is attributed to", async () => {
    const group = await getJson(`${copse.origin}/ap/actors/garden`);
    const moderatorsUrl = many(group.body.attributedTo)[0];
    expect(moderatorsUrl).toBe(`${copse.origin}/ap/actors/garden/moderators`);
    const moderators = await getJson(moderatorsUrl);
    expect(moderators.status).toBe(200);
    expect(itemIds(moderators.body)).toEqual([alice.actor.iri]);
  });

  it.each([
    ["alice", "outbox"],
    ["alice", "followers"],
    ["garden", "outbox"],
    ["garden", "followers"],
  ])("serves %s's %s collection with its size", async (handle, collection) => {
    const url = `${copse.origin}/ap/actors/${handle}/${collection}`;
    const { status, body } = await getJson(url);
    expect(status).toBe(200);
    expect(body.id).toBe(url);
    // Followers take the shape Lemmy parses (a Collection whose members are on its pages).
    expect(body.type).toBe(collection === "followers" ? "Collection" : "OrderedCollection");
    expect(typeof body.totalItems).toBe("number");
  });

  it.each([
    // Alice facilitates the public garden, so it is listed; a group follows nobody.
    ["alice", () => [`${copse.origin}/ap/actors/garden`]],
    ["garden", () => []],
    // Fran facilitates only the private planning community, which must not be given away.
    ["fran", () => []],
  ])(
    "serves %s's following collection, listing public communities only",
    async (handle, expected) => {
      const url = `${copse.origin}/ap/actors/${handle}/following`;
      const { status, body } = await getJson(url);
      expect(status).toBe(200);
      expect(body.id).toBe(url);
      expect(body.type).toBe("OrderedCollection");
      expect(itemIds(body)).toEqual(expected());
      // Mastodon shows counts from totalItems, so it must agree with the items.
      expect(body.totalItems).toBe(expected().length);
    },
  );

  it("lists a public group's members in its followers collection", async () => {
    const { body } = await getJson(`${copse.origin}/ap/actors/garden/followers`);
    expect(body.totalItems).toBe(1);
    expect(itemIds(body)).toEqual([]);
    expect(itemIds((await getJson(body.first)).body)).toEqual([alice.actor.iri]);
  });

  describe("a private group's followers collection", () => {
    const url = () => `${copse.origin}/ap/actors/planning/followers`;
    let member: FakeActor;
    let outsider: FakeActor;
    let stranger: FakeActor;

    beforeAll(async () => {
      [member, outsider, stranger] = await Promise.all([
        peer.addActor({ path: "/users/member", type: "Person", preferredUsername: "member" }),
        peer.addActor({ path: "/users/outsider", type: "Person", preferredUsername: "outsider" }),
        otherPeer.addActor({
          path: "/users/stranger",
          type: "Person",
          preferredUsername: "stranger",
        }),
      ]);
    });

    it("is refused to an unsigned request", async () => {
      const response = await fetch(url(), { headers: { Accept: ACTIVITY_JSON } });
      expect([401, 403]).toContain(response.status);
    });

    // This runs before anyone on the peer is a member: see the last case for why that matters.
    it("is refused to a signed request from someone who is not a member", async () => {
      const response = await peer.get(url(), { as: outsider.path });
      expect([401, 403]).toContain(response.status);
    });

    it("is served to a member once a facilitator has accepted them", async () => {
      const planning = findActorByIri(copse.db, `${copse.origin}/ap/actors/planning`)!;
      const follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: peer.url("/follows/member-1"),
        type: "Follow",
        actor: member.id,
        object: planning.iri,
      };
      expect((await peer.deliver(planning.inboxUrl!, follow, { as: member.path })).status).toBe(
        202,
      );
      const request = await eventually(() => {
        const row = findActorByIri(copse.db, member.id);
        return row && findMembership(copse.db, planning.id, row.id)?.state === "pending"
          ? row
          : undefined;
      });
      // While the request is pending, the requester may not see the members yet.
      expect([401, 403]).toContain((await peer.get(url(), { as: member.path })).status);

      await decideRequest(copse.ctx(), {
        group: planning,
        member: request,
        byActorId: fran.actor.id,
        approve: true,
      });
      const response = await peer.get(url(), { as: member.path });
      expect(response.status).toBe(200);
      const page = await peer.get((await response.json()).first, { as: member.path });
      expect(itemIds(await page.json()).sort()).toEqual([fran.actor.iri, member.id].sort());
    });

    // A member's server may sign with its instance actor, but an ordinary account on a server
    // where a member lives must not see the list (one member on a big server is common).
    it("is refused to another account on a member's server, yet served to that server's instance actor", async () => {
      expect([401, 403]).toContain((await peer.get(url(), { as: outsider.path })).status);
      const serverActor = await peer.addActor({
        path: "/actor",
        type: "Application",
        preferredUsername: "peer.example",
      });
      const response = await peer.get(url(), { as: serverActor.path });
      expect(response.status).toBe(200);
      const page = await peer.get((await response.json()).first, { as: serverActor.path });
      expect(itemIds(await page.json())).toContain(member.id);
    });

    it("is still refused to a non-member on a server where nobody is a member", async () => {
      const response = await otherPeer.get(url(), { as: stranger.path });
      expect([401, 403]).toContain(response.status);
    });
  });

  it("links NodeInfo 2.1 with Copse's software name and account count", async () => {
    const wellKnown = await getJson(`${copse.origin}/.well-known/nodeinfo`, "application/json");
    expect(wellKnown.status).toBe(200);
    const link = wellKnown.body.links.find(
      (l: Json) => l.rel === "http://nodeinfo.diaspora.software/ns/schema/2.1",
    );
    expect(link?.href).toBe(`${copse.origin}/nodeinfo/2.1`);
    const nodeInfo = await getJson(link.href, "application/json");
    expect(nodeInfo.status).toBe(200);
    expect(nodeInfo.body.software.name).toBe("copse");
    expect(nodeInfo.body.protocols).toEqual(["activitypub"]);
    expect(nodeInfo.body.usage.users.total).toBe(accountsCreated);
  });

  it("sends a browser that opens a community's actor id to the community's page", async () => {
    const response = await fetch(`${copse.origin}/ap/actors/garden`, {
      headers: { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" },
      redirect: "manual",
    });
    expect([301, 302, 303, 307, 308]).toContain(response.status);
    const location = new URL(response.headers.get("location")!, copse.origin);
    expect(location.pathname).toBe("/c/garden");
    const page = await fetch(location, { headers: { Accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  });
});
