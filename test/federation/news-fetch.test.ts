import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newsFeeds } from "../../src/db/schema/index.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import { addFeed } from "../../src/domain/news/subscribe.ts";
import { feedFetcher, fetchFeed } from "../../src/federation/news-fetch.ts";
import { freshDb } from "../helpers/db.ts";
import { type FeedServer, fixed, rss, startFeedServer } from "../helpers/feed-server.ts";

// The feed fetcher against a real HTTP server on loopback: redirects, timeouts, compression and
// the size cap. (Refusing private addresses: test/federation/news-fetch-addresses.test.ts, and
// through the web form in test/web/news.test.ts.)

const open = { allowPrivateAddress: true };

describe("fetching news feeds", () => {
  let server: FeedServer;
  const closed: string[] = [];

  beforeAll(async () => {
    server = await startFeedServer();
    server.set("/feed.xml", fixed(200, rss("Feed", [{ id: "1", title: "One" }])));
    server.set("/hop1", (_req, res) => {
      res.writeHead(301, { Location: "/hop2" }).end();
    });
    server.set("/hop2", (_req, res) => {
      res.writeHead(307, { Location: `${server.origin}/feed.xml` }).end();
    });
    server.set("/loop", (_req, res) => {
      res.writeHead(302, { Location: "/loop" }).end();
    });
    server.set("/to-file", (_req, res) => {
      res.writeHead(302, { Location: "file:///etc/passwd" }).end();
    });
    server.set("/slow", (_req, res) => {
      const timer = setTimeout(() => res.writeHead(200).end(rss("Late", [])), 5_000);
      res.on("close", () => clearTimeout(timer));
    });
    server.set("/slow-body", (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/rss+xml" });
      res.write('<rss version="2.0"><channel>');
      // ...and the rest never comes.
    });
    server.set("/endless", (req, res) => {
      // No Content-Length: only counting what arrives can stop this one.
      res.writeHead(200, { "Content-Type": "application/rss+xml" });
      const chunk = `<!-- ${"x".repeat(64 * 1024)} -->\n`;
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {}
        if (!res.destroyed) res.once("drain", pump);
      };
      req.socket.on("close", () => closed.push("/endless"));
      pump();
    });
    server.set("/latin1.xml", (_req, res) => {
      const body = rss("Caf\u00e9 news", [
        { id: "1", title: "Cr\u00e8me br\u00fbl\u00e9e" },
      ]).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
      res.writeHead(200, { "Content-Type": "application/xml" }).end(Buffer.from(body, "latin1"));
    });
    server.set("/gzip.xml", (req, res) => {
      const body = gzipSync(rss("Squeezed", [{ id: "1", title: "Packed small" }]));
      res.writeHead(200, { "Content-Type": "application/rss+xml", "Content-Encoding": "gzip" });
      res.end(req.headers["accept-encoding"]?.includes("gzip") ? body : "asked without gzip");
    });
    server.set("/bomb.xml", (_req, res) => {
      // 8 MiB of comment that compresses to a few kilobytes.
      const body = gzipSync(`<rss><!-- ${"x".repeat(8 * 1024 * 1024)} --></rss>`);
      res.writeHead(200, { "Content-Type": "application/rss+xml", "Content-Encoding": "gzip" });
      res.end(body);
    });
    server.set("/zstd.xml", (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/rss+xml", "Content-Encoding": "zstd" });
      res.end("not really zstd");
    });
  });
  afterAll(() => server?.close());

  it("follows a few redirects and reports where the feed finally came from", async () => {
    const outcome = await fetchFeed(`${server.origin}/hop1`, undefined, open);
    expect(outcome.status).toBe("fetched");
    if (outcome.status === "fetched") {
      expect(outcome.url).toBe(`${server.origin}/feed.xml`);
      expect(outcome.body).toContain("<title>One</title>");
    }
  });

  it("stops after five redirects and refuses redirects away from http(s)", async () => {
    const before = server.requestsFor("/loop").length;
    await expect(fetchFeed(`${server.origin}/loop`, undefined, open)).rejects.toThrow(
      "The address redirects too many times (more than 5).",
    );
    expect(server.requestsFor("/loop").length - before).toBe(6);
    await expect(fetchFeed(`${server.origin}/to-file`, undefined, open)).rejects.toThrow(
      "Feeds can only be fetched from http:// or https:// addresses.",
    );
  });

  it("gives up on a server that is slow to answer or slow to send the body", async () => {
    const options = { ...open, timeoutMs: 300 };
    await expect(fetchFeed(`${server.origin}/slow`, undefined, options)).rejects.toThrow(
      "The server took too long to answer",
    );
    await expect(fetchFeed(`${server.origin}/slow-body`, undefined, options)).rejects.toThrow(
      "The server took too long to answer",
    );
  });

  it("stops reading a body that passes the size cap", async () => {
    await expect(
      fetchFeed(`${server.origin}/endless`, undefined, { ...open, maxBytes: 256 * 1024 }),
    ).rejects.toThrow("The feed is too large (more than 256 KiB).");
    // The connection is dropped rather than drained to the end (which would never come).
    await expect.poll(() => closed).toContain("/endless");
  });

  it("decodes the character set the XML declaration names", async () => {
    const outcome = await fetchFeed(`${server.origin}/latin1.xml`, undefined, open);
    expect(outcome.status === "fetched" && outcome.body).toContain("Cr\u00e8me br\u00fbl\u00e9e");
  });

  it("reads a gzip-compressed feed and counts the cap after decompression", async () => {
    const outcome = await fetchFeed(`${server.origin}/gzip.xml`, undefined, open);
    expect(outcome.status === "fetched" && outcome.body).toContain("<title>Packed small</title>");
    await expect(
      fetchFeed(`${server.origin}/bomb.xml`, undefined, { ...open, maxBytes: 256 * 1024 }),
    ).rejects.toThrow("The feed is too large (more than 256 KiB).");
    await expect(fetchFeed(`${server.origin}/zstd.xml`, undefined, open)).rejects.toThrow(
      "The server sent the feed in an encoding we cannot read (zstd).",
    );
  });

  it("saves nothing when a new feed times out", async () => {
    const db = freshDb();
    const error = await addFeed(
      db,
      { groupId: 1, url: `${server.origin}/slow`, addedById: 1 },
      feedFetcher({ ...open, timeoutMs: 300 }),
      30,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([
      { field: "url", message: "The server took too long to answer (more than 300 milliseconds)." },
    ]);
    expect(db.select().from(newsFeeds).all()).toHaveLength(0);
  });
});
