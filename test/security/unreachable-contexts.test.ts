import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { guardedContextLoader } from "../../src/federation/outbound/context-loader.ts";
import { outboundPolicy } from "../../src/federation/outbound/policy.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { type FeedServer, startFeedServer } from "../helpers/feed-server.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// An activity whose @context names a context that cannot be fetched (a Pleroma instance's own
// litepub-0.1.jsonld, say) made Fedify's inbox answer 500, and the sender retried for days.
// Common contexts are now answered from copies, fetched ones are cached, and an unreachable one
// is processed as an empty context: the inbox answers 2xx and the activity takes effect.

const AS = "https://www.w3.org/ns/activitystreams";
const config = loadConfig({ COPSE_ALLOW_PRIVATE_ADDRESS: "true" });

/** A loopback port nothing listens on: connections to it are refused at once. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("activities naming JSON-LD contexts that cannot be fetched", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let alice: AccountWithActor;
  let garden: Community;
  let unreachable: string;

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Contexts"), startFakePeer()]);
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    unreachable = `http://127.0.0.1:${await deadPort()}/schemas/custom.jsonld`;
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  /** Delivers a Follow of the community with this @context from a fresh actor. */
  async function follow(name: string, context: unknown[]) {
    const actor = await peer.addActor({
      path: `/users/${name}`,
      type: "Person",
      preferredUsername: name,
    });
    const activity = {
      "@context": context,
      id: peer.url(`/follows/${name}`),
      type: "Follow",
      actor: actor.id,
      object: garden.actor.iri,
    };
    const response = await peer.deliver(garden.actor.inboxUrl!, activity, { as: actor.path });
    return { status: response.status, body: await response.text(), actor };
  }

  const membershipOf = (iri: string) => {
    const actor = findActorByIri(copse.db, iri);
    return actor ? findMembership(copse.db, garden.actor.id, actor.id)?.state : undefined;
  };

  it("answers 2xx, not 500, to an inbox POST whose @context names an unreachable context", async () => {
    const { status, body, actor } = await follow("pleroma_user", [
      AS,
      unreachable,
      { toot: "http://joinmastodon.org/ns#" },
    ]);
    expect(status, body.slice(0, 200)).toBe(202);
    expect(await eventually(() => membershipOf(actor.id))).toBe("active");
  });

  it("reads a Pleroma instance's own litepub-0.1.jsonld from the shipped copy, without fetching", async () => {
    // The host does not exist: only the shipped copy can answer.
    const litepub = "https://pleroma.invalid/schemas/litepub-0.1.jsonld";
    const { status, body, actor } = await follow("akkoma_user", [AS, litepub]);
    expect(status, body.slice(0, 200)).toBe(202);
    expect(await eventually(() => membershipOf(actor.id))).toBe("active");
  });
});

describe("the context loader", () => {
  let server: FeedServer;

  beforeAll(async () => {
    server = await startFeedServer();
    server.set("/ns.jsonld", (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/ld+json" });
      res.end(JSON.stringify({ "@context": { blurb: "https://example.org/ns#blurb" } }));
    });
    server.set("/page.html", (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(JSON.stringify({ "@context": { blurb: "https://evil.example/ns#blurb" } }));
    });
  });
  afterAll(() => server?.close());

  it("fetches a context once and answers later uses from its cache", async () => {
    const load = guardedContextLoader(outboundPolicy(config));
    const url = `${server.origin}/ns.jsonld`;
    const first = await load(url);
    const second = await load(url);
    expect(second.document).toEqual(first.document);
    expect(first.document).toEqual({ "@context": { blurb: "https://example.org/ns#blurb" } });
    expect(server.requestsFor("/ns.jsonld")).toHaveLength(1);
  });

  it("treats a context served as text/html as unavailable, and remembers that for a while", async () => {
    const load = guardedContextLoader(outboundPolicy(config));
    const url = `${server.origin}/page.html`;
    expect((await load(url)).document).toEqual({ "@context": {} });
    expect((await load(url)).document).toEqual({ "@context": {} });
    expect(server.requestsFor("/page.html")).toHaveLength(1);
  });

  it("never fetches a context on a private address when private addresses are refused", async () => {
    const load = guardedContextLoader(outboundPolicy(loadConfig({})));
    const before = server.requests.length;
    expect((await load(`${server.origin}/ns.jsonld`)).document).toEqual({ "@context": {} });
    expect(server.requests.length).toBe(before);
  });
});
