import type { ServerResponse } from "node:http";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageProxyCache } from "../../src/db/schema/index.ts";
import { proxyPath } from "../../src/web/images/proxy.ts";
import { type FeedServer, startFeedServer } from "../helpers/feed-server.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";

// An image proxy that fetches whatever address it is given lets anyone make the server fetch
// from its own network (SSRF) or hide behind its address. Copse's proxy fetches only addresses
// one of its own pages signed (HMAC under the instance's key), and even then never a private
// or loopback address where the configuration refuses them, as production does.

describe("the image proxy is not an open proxy", () => {
  let copse: TestInstance;
  let strict: TestInstance;
  let server: FeedServer;
  let png: Buffer;

  const picture = (bytes: Buffer, type: string) => (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, { "Content-Type": type }).end(bytes);
  };

  beforeAll(async () => {
    // The second instance refuses private addresses, as production does.
    [copse, strict, server] = await Promise.all([
      startTestInstance("Proxy"),
      startTestInstance("Strict", { COPSE_ALLOW_PRIVATE_ADDRESS: "false" }),
      startFeedServer(),
    ]);
    png = await sharp({ create: { width: 30, height: 20, channels: 3, background: "#0b5" } })
      .png()
      .toBuffer();
    server.set("/cat.png", picture(png, "image/png"));
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), strict?.close(), server?.close()]);
  });

  it("refuses addresses it did not sign, without fetching anything", async () => {
    const url = `${server.origin}/cat.png`;
    const signed = proxyPath(copse.db, url);
    const signature = signed.split("/")[3]!.split("?")[0]!;
    const attempts = [
      `/media/proxy/${signature}`,
      `/media/proxy/forged?u=${encodeURIComponent(url)}`,
      `/media/proxy/${signature.replace(/^./, (c) => (c === "A" ? "B" : "A"))}?u=${encodeURIComponent(url)}`,
      // A signature made for one address does not open another.
      `/media/proxy/${signature}?u=${encodeURIComponent(`${server.origin}/page.html`)}`,
      // Nor does another instance's signature.
      proxyPath(strict.db, url),
    ];
    for (const path of attempts) {
      const response = await fetch(`${copse.origin}${path}`);
      expect(response.status, path).toBe(403);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("refuses private and loopback addresses where they are not allowed", async () => {
    server.set("/secret.png", picture(png, "image/png"));
    for (const url of [
      `${server.origin}/secret.png`,
      `http://localhost:${new URL(server.origin).port}/secret.png`,
    ]) {
      const response = await fetch(`${strict.origin}${proxyPath(strict.db, url)}`);
      expect(response.status).toBe(404);
    }
    expect(server.requestsFor("/secret.png")).toHaveLength(0);
    const failure = strict.db.select().from(imageProxyCache).all()[0]!;
    expect(failure.reason).toMatch(/private or local address/);
  });
});
