import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FeedFetchOptions, fetchFeed } from "../../src/federation/news-fetch.ts";
import { isPublicAddress } from "../../src/federation/outbound/address-policy.ts";
import type { Resolver } from "../../src/federation/outbound/guarded-lookup.ts";
import { type FeedServer, fixed, rss, startFeedServer } from "../helpers/feed-server.ts";

// The feed fetcher's address checks at connect time, with private addresses refused. The feed
// server can only listen on loopback, so these tests stand 127.0.0.1 in for "the public
// internet" and nothing else: every other loopback spelling (::ffff:127.0.0.1, 0.0.0.0, [::1],
// 127.0.0.2) and every private range stays refused, as does a made-up name that resolves to one.
// Names are resolved by a scripted DNS, which is how a hostile DNS server is played.

const STAND_IN = "127.0.0.1";
const standInIsPublic = (address: string) => address === STAND_IN || isPublicAddress(address);

/** A scripted DNS: each name answers its lists in turn, then repeats the last; others fail. */
function scriptedDns(script: Record<string, string[][]>): Resolver & { calls: string[] } {
  const resolver = async (hostname: string) => {
    const answers = script[hostname];
    const turn = resolver.calls.filter((name) => name === hostname).length;
    resolver.calls.push(hostname);
    if (!answers) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    }
    const answer = answers[Math.min(turn, answers.length - 1)]!;
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  resolver.calls = [] as string[];
  return resolver;
}

describe("fetching news feeds with private addresses refused", () => {
  let server: FeedServer;
  let port: string;

  beforeAll(async () => {
    server = await startFeedServer();
    port = new URL(server.origin).port;
    server.set("/feed.xml", fixed(200, rss("Feed", [{ id: "1", title: "One" }])));
    // Redirects to the same host name the request came in on, so the next hop resolves it again.
    server.set("/again", (req, res) => {
      res.writeHead(302, { Location: `http://${req.headers.host}/feed.xml` }).end();
    });
    // Redirects wherever ?to= says.
    server.set("/redirect", (req, res) => {
      const to = new URL(req.url ?? "/", "http://x").searchParams.get("to") ?? "/";
      res.writeHead(302, { Location: to }).end();
    });
  });
  afterAll(() => server?.close());

  const options = (resolve: Resolver): FeedFetchOptions => ({
    allowPrivateAddress: false,
    isPublicAddress: standInIsPublic,
    resolve,
    timeoutMs: 5_000,
  });
  const feedRequests = () => server.requestsFor("/feed.xml").length;

  it("resolves a name once per connection and connects to the address it checked", async () => {
    // A rebinding DNS: the public stand-in first, a private address on every later lookup. A
    // fetcher that checked one answer and connected with another would reach 127.0.0.2 (where
    // nothing listens) or ask the system's DNS (which has never heard of news.example).
    const dns = scriptedDns({ "news.example": [[STAND_IN], ["127.0.0.2"]] });
    const outcome = await fetchFeed(
      `http://news.example:${port}/feed.xml`,
      undefined,
      options(dns),
    );
    expect(outcome.status === "fetched" && outcome.body).toContain("<title>One</title>");
    expect(dns.calls).toEqual(["news.example"]);
    expect(server.requestsFor("/feed.xml").at(-1)?.headers.host).toBe(`news.example:${port}`);
  });

  it("refuses the connection when the name turns private on the next lookup", async () => {
    // The second lookup (for the redirect's connection) answers IPv4-mapped loopback, which
    // would reach this very server if the fetcher connected.
    const dns = scriptedDns({ "news.example": [[STAND_IN], ["::ffff:127.0.0.1"]] });
    const before = feedRequests();
    await expect(
      fetchFeed(`http://news.example:${port}/again`, undefined, options(dns)),
    ).rejects.toThrow("news.example is a private or local address.");
    expect(dns.calls).toEqual(["news.example", "news.example"]);
    expect(feedRequests()).toBe(before);
  });

  it("refuses a redirect to a private address written out literally", async () => {
    const dns = scriptedDns({ "news.example": [[STAND_IN]] });
    for (const [target, host] of [
      [`http://[::ffff:127.0.0.1]:${port}/feed.xml`, "[::ffff:7f00:1]"],
      [`http://0.0.0.0:${port}/feed.xml`, "0.0.0.0"],
      [`http://[::1]:${port}/feed.xml`, "[::1]"],
      [`http://127.0.0.2:${port}/feed.xml`, "127.0.0.2"],
      // The URL parser turns this spelling into 127.0.0.1's neighbour 127.0.0.3.
      [`http://2130706435:${port}/feed.xml`, "127.0.0.3"],
      ["http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
    ] as const) {
      const before = feedRequests();
      const start = `http://news.example:${port}/redirect?to=${encodeURIComponent(target)}`;
      await expect(fetchFeed(start, undefined, options(dns)), target).rejects.toThrow(
        `${host} is a private or local address.`,
      );
      expect(feedRequests(), target).toBe(before);
    }
  });

  it("refuses a redirect to a name with any private address among its answers", async () => {
    const dns = scriptedDns({
      "news.example": [[STAND_IN]],
      "intranet.example": [[STAND_IN, "10.0.0.7"]],
    });
    const before = feedRequests();
    const target = `http://intranet.example:${port}/feed.xml`;
    await expect(
      fetchFeed(
        `http://news.example:${port}/redirect?to=${encodeURIComponent(target)}`,
        undefined,
        options(dns),
      ),
    ).rejects.toThrow("intranet.example is a private or local address.");
    expect(feedRequests()).toBe(before);
  });

  it("says so when a name does not resolve at all", async () => {
    const dns = scriptedDns({});
    await expect(
      fetchFeed("http://nowhere.example/feed.xml", undefined, options(dns)),
    ).rejects.toThrow("We could not find a server called nowhere.example.");
  });
});
