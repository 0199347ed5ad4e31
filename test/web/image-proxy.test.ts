import type { ServerResponse } from "node:http";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageProxyCache } from "../../src/db/schema/index.ts";
import { proxyPath, rewritePageImages } from "../../src/web/images/proxy.ts";
import { type FeedServer, fixed, startFeedServer } from "../helpers/feed-server.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";

// The image proxy over real HTTP: it fetches only pictures, keeps what it fetched, and pages
// send every remote picture through it. The attacks on it (unsigned or forged addresses,
// private addresses) are in test/security/open-image-proxy.test.ts.

describe("the image proxy", () => {
  let copse: TestInstance;
  let server: FeedServer;
  let png: Buffer;

  const picture = (bytes: Buffer, type: string) => (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, { "Content-Type": type }).end(bytes);
  };

  beforeAll(async () => {
    [copse, server] = await Promise.all([startTestInstance("Proxy"), startFeedServer()]);
    png = await sharp({ create: { width: 3000, height: 200, channels: 3, background: "#0b5" } })
      .png()
      .toBuffer();
    server.set("/cat.png", picture(png, "image/png"));
    server.set("/page.html", fixed(200, "<html><body>Hello</body></html>", "text/html"));
    server.set("/fake.png", fixed(200, "<html><script>x</script></html>", "image/png"));
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), server?.close()]);
  });

  it("serves a signed picture as WebP, resized, then from its cache", async () => {
    const path = proxyPath(copse.db, `${server.origin}/cat.png`);
    const first = await fetch(`${copse.origin}${path}`);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/webp");
    expect(first.headers.get("cache-control")).toBe("public, max-age=604800");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    const copy = await sharp(Buffer.from(await first.arrayBuffer())).metadata();
    expect(copy.format).toBe("webp");
    expect(copy.width).toBe(1280);
    const second = await fetch(`${copse.origin}${path}`);
    expect(second.status).toBe(200);
    expect(server.requestsFor("/cat.png")).toHaveLength(1);
  });

  it("refuses what is not a picture, by its type and by its bytes", async () => {
    for (const name of ["/page.html", "/fake.png", "/missing.png"]) {
      const response = await fetch(`${copse.origin}${proxyPath(copse.db, server.origin + name)}`);
      expect(response.status, name).toBe(404);
    }
    const reasons = copse.db
      .select()
      .from(imageProxyCache)
      .all()
      .filter((r) => r.state === "failed")
      .map((r) => r.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        "served as text/html, not image/*",
        "not a picture (text/html)",
        "the server answered 404",
      ]),
    );
  });

  it("sends a page's remote pictures through the proxy, and a failed one as a link", () => {
    const html =
      '<p><img src="/media/uploads/x.webp" alt="Ours"> <img src="https://elsewhere.example/a.png?x=1&amp;y=2" alt="Theirs"></p>' +
      `<p><img src="${server.origin}/missing.png" alt="Lost"></p>` +
      `<p><a href="/x"><img src="${server.origin}/missing.png" alt="Lost in a link"></a></p>`;
    const page = rewritePageImages(copse.db, copse.origin, html);
    expect(page).toContain('<img src="/media/uploads/x.webp" alt="Ours">');
    const proxied = proxyPath(copse.db, "https://elsewhere.example/a.png?x=1&y=2");
    expect(page).toContain(`<img src="${proxied.replace(/&/g, "&amp;")}" alt="Theirs">`);
    expect(page).not.toContain('src="https://elsewhere.example');
    // /missing.png failed above: its alt text stands in, linked unless already in a link.
    expect(page).toContain(
      `<a class="govuk-link" href="${server.origin}/missing.png" rel="nofollow ugc noopener"><span class="copse-missing-image">Picture: Lost</span></a>`,
    );
    expect(page).toContain(
      '<a href="/x"><span class="copse-missing-image">Picture: Lost in a link</span></a>',
    );
  });

  it("treats addresses starting // or /\\ as another server's, as browsers do", () => {
    const page = rewritePageImages(
      copse.db,
      copse.origin,
      '<img src="//elsewhere.example/b.png" alt="B"><img src="/\\elsewhere.example/c.png" alt="C">',
    );
    for (const name of ["b", "c"]) {
      const address = new URL(`//elsewhere.example/${name}.png`, copse.origin).href;
      expect(page).toContain(`src="${proxyPath(copse.db, address).replace(/&/g, "&amp;")}"`);
    }
    expect(page).not.toContain('src="/\\');
  });

  it("allows pictures from this server only in its Content-Security-Policy", async () => {
    const response = await fetch(`${copse.origin}/`);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("img-src 'self' data:");
    expect(policy).not.toContain("https:");
  });
});
