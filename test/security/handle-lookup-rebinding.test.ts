import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { actorIriByWebFinger, LookupError } from "../../src/federation/lookup.ts";
import { isPublicAddress } from "../../src/federation/outbound/address-policy.ts";
import { guardedDocumentLoader } from "../../src/federation/outbound/document-loader.ts";
import type { Resolver } from "../../src/federation/outbound/guarded-lookup.ts";
import { outboundPolicy } from "../../src/federation/outbound/policy.ts";
import { type FeedServer, startFeedServer } from "../helpers/feed-server.ts";

// Handle look-ups checked the host's address and then let fetch() resolve it again to connect,
// so a DNS server answering a public address to the check and a private one to the connection
// (DNS rebinding) could point Copse at its own network. WebFinger and every ActivityPub
// document now go through the guarded fetcher, which checks the addresses inside the socket's
// own lookup. The server can only listen on loopback, so 127.0.0.1 stands in for the public
// internet and every other private address stays refused; names resolve through a scripted DNS.

const STAND_IN = "127.0.0.1";
const production = loadConfig({});

/** A scripted DNS: each name answers its lists in turn, then repeats the last. */
function scriptedDns(script: Record<string, string[][]>): Resolver & { calls: string[] } {
  const resolver = async (hostname: string) => {
    const answers = script[hostname];
    const turn = resolver.calls.filter((name) => name === hostname).length;
    resolver.calls.push(hostname);
    if (!answers) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    const answer = answers[Math.min(turn, answers.length - 1)]!;
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  resolver.calls = [] as string[];
  return resolver;
}

const policyWith = (resolve: Resolver) =>
  outboundPolicy(production, {
    resolve,
    isPublicAddress: (address) => address === STAND_IN || isPublicAddress(address),
  });

describe("handle look-ups and document fetches under DNS rebinding", () => {
  let server: FeedServer;
  let port: string;

  beforeAll(async () => {
    server = await startFeedServer();
    port = new URL(server.origin).port;
    server.set("/.well-known/webfinger", (req, res) => {
      const host = req.headers.host;
      const jrd = {
        subject: `acct:mona@${host}`,
        links: [
          { rel: "self", type: "application/activity+json", href: `http://${host}/users/mona` },
        ],
      };
      res.writeHead(200, { "Content-Type": "application/jrd+json" }).end(JSON.stringify(jrd));
    });
    server.set("/redirect-inside", (_req, res) => {
      res.writeHead(302, { Location: `http://127.0.0.2:${port}/users/mona` }).end();
    });
    server.set("/users/mona", (req, res) => {
      const id = `http://${req.headers.host}/users/mona`;
      res.writeHead(200, { "Content-Type": "application/activity+json" });
      res.end(
        JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id, type: "Person" }),
      );
    });
  });
  afterAll(() => server?.close());

  it("connects a handle look-up only to the address it checked", async () => {
    // Public to the first lookup, loopback's other face to any later one: a look-up that
    // resolved again to connect would reach 127.0.0.2 (or fail in the system's DNS).
    const dns = scriptedDns({ "social.example": [[STAND_IN], ["127.0.0.2"]] });
    const iri = await actorIriByWebFinger(
      "mona",
      `social.example:${port}`,
      "http",
      policyWith(dns),
    );
    expect(iri).toBe(`http://social.example:${port}/users/mona`);
    expect(dns.calls).toEqual(["social.example"]);
  });

  it("refuses a handle whose host resolves to a private address, without connecting", async () => {
    const dns = scriptedDns({ "intranet.example": [["10.0.0.5"]] });
    const before = server.requests.length;
    await expect(
      actorIriByWebFinger("mona", `intranet.example:${port}`, "http", policyWith(dns)),
    ).rejects.toThrow(new LookupError(`intranet.example:${port} is not a public address`));
    expect(server.requests.length).toBe(before);
  });

  it("refuses a handle on a private address when the instance refuses private addresses", async () => {
    const before = server.requests.length;
    await expect(
      actorIriByWebFinger("mona", `127.0.0.1:${port}`, "http", outboundPolicy(production)),
    ).rejects.toThrow(LookupError);
    expect(server.requests.length).toBe(before);
  });

  it("fetches an actor document only from the address it checked", async () => {
    const dns = scriptedDns({ "social.example": [[STAND_IN], ["::ffff:127.0.0.1"]] });
    const loader = guardedDocumentLoader(policyWith(dns));
    const fetched = await loader(`http://social.example:${port}/users/mona`);
    expect(fetched.documentUrl).toBe(`http://social.example:${port}/users/mona`);
    expect(dns.calls).toEqual(["social.example"]);
  });

  it("refuses an actor document whose server redirects into the private network", async () => {
    const dns = scriptedDns({ "social.example": [[STAND_IN]] });
    const loader = guardedDocumentLoader(policyWith(dns));
    const before = server.requestsFor("/users/mona").length;
    await expect(loader(`http://social.example:${port}/redirect-inside`)).rejects.toThrow(
      "127.0.0.2 is a private or local address.",
    );
    expect(server.requestsFor("/users/mona").length).toBe(before);
  });
});
