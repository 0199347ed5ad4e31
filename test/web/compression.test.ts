import { request } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLocalActor } from "../../src/domain/actors.ts";
import { composeItem } from "../../src/domain/items.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";

/** A raw GET, so the test sees the bytes on the wire rather than a decoded body. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const csrfFields = (html: string) =>
  [...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]!);

describe("compressed responses", () => {
  let copse: TestInstance;

  beforeAll(async () => {
    copse = await startTestInstance("Squeezed");
    const owner = await copse.createUser("olive");
    copse.createCommunity("garden", owner, "public");
  });
  afterAll(async () => {
    await copse?.close();
  });

  it("gzips pages and ActivityPub JSON for clients that accept it, and only for them", async () => {
    const page = await rawGet(`${copse.origin}/communities`, { "Accept-Encoding": "gzip" });
    expect(page.status).toBe(200);
    expect(page.headers["content-encoding"]).toBe("gzip");
    expect(page.headers.vary).toMatch(/Accept-Encoding/i);
    const html = gunzipSync(page.body).toString("utf8");
    expect(html).toContain("<html");
    expect(page.body.byteLength).toBeLessThan(html.length / 2);

    const plain = await rawGet(`${copse.origin}/communities`, {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString("utf8")).toContain("<html");

    const actor = await rawGet(`${copse.origin}/ap/actors/garden`, {
      Accept: "application/activity+json",
      "Accept-Encoding": "gzip",
    });
    expect(actor.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(actor.body).toString("utf8")).type).toBe("Group");
  });

  it("prefers brotli when offered, and honours a refusal of either coding", async () => {
    const page = await rawGet(`${copse.origin}/communities`, { "Accept-Encoding": "gzip, br" });
    expect(page.headers["content-encoding"]).toBe("br");
    expect(page.headers.vary).toMatch(/Accept-Encoding/i);
    expect(Number(page.headers["content-length"])).toBe(page.body.byteLength);
    const html = brotliDecompressSync(page.body).toString("utf8");
    expect(html).toContain("<html");
    expect(page.body.byteLength).toBeLessThan(html.length / 2);

    const refused = await rawGet(`${copse.origin}/communities`, {
      "Accept-Encoding": "br;q=0, gzip",
    });
    expect(refused.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(refused.body).toString("utf8")).toContain("<html");
    const neither = await rawGet(`${copse.origin}/communities`, {
      "Accept-Encoding": "*, br;q=0, gzip;q=0",
    });
    expect(neither.headers["content-encoding"]).toBeUndefined();
    expect(neither.headers.vary).toMatch(/Accept-Encoding/i);
    expect(neither.body.toString("utf8")).toContain("<html");
  });

  it("compresses feeds, but not tiny bodies", async () => {
    const author = findLocalActor(copse.db, "olive")!;
    const garden = findLocalActor(copse.db, "garden")!;
    for (const n of [1, 2, 3]) {
      composeItem(copse.db, copse.origin, {
        kind: "topic",
        author,
        groups: [garden],
        title: `Hedge laying, part ${n}`,
        body: "Cut the stems most of the way through and lay them along the line. ".repeat(8),
      });
    }
    const feed = await rawGet(`${copse.origin}/feeds/c/garden/forum.rss`, {
      "Accept-Encoding": "br",
    });
    expect(feed.status).toBe(200);
    expect(feed.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(feed.body).toString("utf8")).toContain("<rss");

    // The NodeInfo links document is a few dozen bytes: compressing it would only add work.
    const tiny = await rawGet(`${copse.origin}/.well-known/nodeinfo`, { "Accept-Encoding": "br" });
    expect(tiny.status).toBe(200);
    expect(tiny.body.byteLength).toBeLessThan(1024);
    expect(tiny.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(tiny.body.toString("utf8")).links).toBeDefined();
  });

  it("masks the form token afresh on every page, and still accepts it", async () => {
    const client = new WebClient(copse.origin);
    const first = csrfFields((await client.get("/signin")).body);
    const second = csrfFields((await client.get("/signin")).body);
    const cookie = client.cookie("copse_csrf")!;
    expect(first.length).toBeGreaterThan(0);
    // The secret itself never appears in a page, and no two pages carry the same value.
    expect(first[0]).not.toBe(second[0]);
    expect(first).not.toContain(cookie);
    const response = await fetch(`${copse.origin}/preferences/text-size`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        cookie: `copse_csrf=${cookie}`,
      },
      body: new URLSearchParams({ _csrf: second[0]!, size: "large" }).toString(),
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    const forged = await fetch(`${copse.origin}/preferences/text-size`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        cookie: `copse_csrf=${cookie}`,
      },
      body: new URLSearchParams({ _csrf: tampered(second[0]!), size: "large" }).toString(),
      redirect: "manual",
    });
    expect(forged.status).toBe(403);
  });
});

/** The masked token with one byte of its masked half flipped: certain to differ once unmasked. */
function tampered(masked: string): string {
  const bytes = Buffer.from(masked, "base64url");
  bytes[40] = bytes[40]! ^ 0xff;
  return bytes.toString("base64url");
}
