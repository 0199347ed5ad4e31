import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "../../src/db/schema/index.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import { cleanHtml } from "../../src/domain/html.ts";
import { composeItem } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { FeedError } from "../../src/domain/news/errors.ts";
import { fetchFeed } from "../../src/federation/news-fetch.ts";
import { WebClient } from "../helpers/client.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// One case for each class of attack the December 2026 black-box review tried and Copse held
// (signatures, key/actor mismatch, replays, SSRF, XSS, private-community leaks, injection, path
// traversal), kept here so a regression in any class fails under test/security/. Deeper cases
// for each class live beside the feature they guard; SECURITY.md maps them.

const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";

describe("attack classes from the security review", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let garden: { iri: string; inboxUrl: string | null; id: number };
  let secret: { iri: string; id: number };
  let privateTopicIri: string;
  let serial = 0;

  const follow = (actor: string, object: string) => ({
    "@context": AS_CONTEXT,
    id: peer.url(`/follows/${++serial}`),
    type: "Follow",
    actor,
    object,
  });
  const membershipOf = (groupId: number, iri: string) => {
    const actor = findActorByIri(copse.db, iri);
    return actor ? findMembership(copse.db, groupId, actor.id) : undefined;
  };

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Reviewed"), startFakePeer()]);
    const owner = await copse.createUser("olga");
    garden = copse.createCommunity("garden", owner, "public").actor;
    secret = copse.createCommunity("secret", owner, "private").actor;
    privateTopicIri = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: owner.actor,
      groups: [findActorByIri(copse.db, secret.iri)!],
      title: "Budget cuts xylophone",
      body: "Members only: the xylophone budget.",
    }).iri;
    await Promise.all([
      peer.addActor({ path: "/users/mallory", type: "Person", preferredUsername: "mallory" }),
      peer.addActor({ path: "/users/victim", type: "Person", preferredUsername: "victim" }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  it("signatures: an unsigned delivery gets 401 and changes nothing", async () => {
    const activity = follow(peer.url("/users/mallory"), garden.iri);
    const response = await peer.deliver(garden.inboxUrl!, activity);
    expect(response.status).toBe(401);
    expect(membershipOf(garden.id, peer.url("/users/mallory"))).toBeUndefined();
  });

  it("key/actor mismatch: a Follow in the victim's name signed with mallory's key is refused", async () => {
    const activity = follow(peer.url("/users/victim"), garden.iri);
    const response = await peer.deliver(garden.inboxUrl!, activity, { as: "/users/mallory" });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(membershipOf(garden.id, peer.url("/users/victim"))).toBeUndefined();
  });

  it("replays: a Follow replayed after its Undo does not make a member again", async () => {
    const mallory = peer.url("/users/mallory");
    const activity = follow(mallory, garden.iri);
    expect((await peer.deliver(garden.inboxUrl!, activity, { as: "/users/mallory" })).status).toBe(
      202,
    );
    await eventually(() => membershipOf(garden.id, mallory)?.state === "active");
    const undo = {
      "@context": AS_CONTEXT,
      id: peer.url(`/undo/${++serial}`),
      type: "Undo",
      actor: mallory,
      object: activity,
    };
    expect((await peer.deliver(garden.inboxUrl!, undo, { as: "/users/mallory" })).status).toBe(202);
    await eventually(() => membershipOf(garden.id, mallory) === undefined);
    await peer.deliver(garden.inboxUrl!, activity, { as: "/users/mallory" });
    // A fresh Follow after the replay shows the inbox has handled what came before it.
    const marker = follow(peer.url("/users/victim"), garden.iri);
    await peer.deliver(garden.inboxUrl!, marker, { as: "/users/victim" });
    await eventually(() => membershipOf(garden.id, peer.url("/users/victim"))?.state === "active");
    expect(membershipOf(garden.id, mallory)).toBeUndefined();
  });

  it("SSRF: a news feed on a loopback address is refused when private addresses are", async () => {
    const attempt = fetchFeed(`${copse.origin}/healthz`, undefined, { allowPrivateAddress: false });
    await expect(attempt).rejects.toBeInstanceOf(FeedError);
    await expect(attempt).rejects.toThrow(/private or local address/);
  });

  it("XSS: scripts, handlers and javascript: links never survive the sanitizer", () => {
    const cleaned = cleanHtml(
      '<p onclick="steal()">Hi<script>steal()</script><img src=x onerror=steal()>' +
        '<a href="javascript:steal()">link</a><svg onload=steal()></svg><iframe src="//x"></iframe></p>',
    );
    expect(cleaned).not.toMatch(/script|onclick|onerror|onload|javascript:|<svg|<iframe/i);
    expect(cleaned).toContain("Hi");
  });

  it("private-community leaks: members-only content reaches no anonymous reader or stranger", async () => {
    const anonymous = await fetch(privateTopicIri, {
      headers: { Accept: "application/activity+json" },
    });
    expect(anonymous.status).not.toBe(200);
    const stranger = await peer.get(privateTopicIri, { as: "/users/mallory" });
    expect(stranger.status).not.toBe(200);
    expect(await stranger.text()).not.toContain("xylophone");
    const web = new WebClient(copse.origin);
    const search = await web.get("/search?q=xylophone");
    expect(search.response.status).toBe(200);
    expect(search.body).not.toContain("Budget cuts");
    const feed = await web.get("/feeds/c/secret/forum.rss");
    expect(feed.body).not.toContain("xylophone");
  });

  it("injection: SQL and full-text syntax in a search is text, not code", async () => {
    const before = copse.db.select({ n: count() }).from(items).get()?.n;
    const web = new WebClient(copse.origin);
    for (const q of [`'; DROP TABLE items; --`, `"unbalanced`, `NEAR(a b`, `* OR 1=1`, `a:b`]) {
      const { response } = await web.get(`/search?q=${encodeURIComponent(q)}`);
      expect(response.status).toBe(200);
    }
    expect(copse.db.select({ n: count() }).from(items).get()?.n).toBe(before);
  });

  it("path traversal: file routes never serve anything outside their folder", async () => {
    for (const path of [
      "/media/people/olga/..%2F..%2Fcopse.db",
      "/media/people/olga/%2e%2e%2f%2e%2e%2fcopse.db",
      "/media/people/..%2F..%2F/copse.db",
      "/assets/..%2F..%2Fpackage.json",
    ]) {
      const response = await fetch(`${copse.origin}${path}`);
      const body = await response.text();
      expect(response.status, path).toBe(404);
      expect(body).not.toContain("SQLite format");
    }
  });
});
