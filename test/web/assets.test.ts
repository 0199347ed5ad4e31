import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStylesheet, type Stylesheet } from "../../src/web/assets/css.ts";
import { assetRoutes } from "../../src/web/routes/assets.ts";

let outDir: string;
let sheet: Stylesheet;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "copse-css-"));
  sheet = await buildStylesheet({ outDir });
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe("buildStylesheet", () => {
  it("compiles govuk-frontend with Copse's own settings", () => {
    expect(sheet.fileName).toMatch(/^copse\.[0-9a-f]{16}\.css$/);
    expect(sheet.css.includes(".govuk-button"), ".govuk-button").toBe(true);
    expect(sheet.css.includes(".govuk-error-summary"), ".govuk-error-summary").toBe(true);
    expect(
      sheet.css.includes(".govuk-service-navigation--inverse"),
      ".govuk-service-navigation--inverse",
    ).toBe(true);
    expect(
      sheet.css.includes(".copse-text-largest{font-size:150%}"),
      ".copse-text-largest{font-size:150%}",
    ).toBe(true);
    expect(
      sheet.css.includes("--govuk-brand-colour: #0b5c3e"),
      "--govuk-brand-colour: #0b5c3e",
    ).toBe(true);
    // Compressed output has no comments or indentation. Checks on the CSS use booleans so that
    // a failure does not print all 140 kB of it.
    expect(sheet.css.includes("\n  "), "\n  ").toBe(false);
  });

  it("uses system fonts, never GDS Transport or its font files", () => {
    expect(sheet.css.includes("GDS Transport"), "GDS Transport").toBe(false);
    expect(sheet.css.includes("@font-face"), "@font-face").toBe(false);
    expect(/\.woff2?/.test(sheet.css)).toBe(false);
    expect(sheet.css.includes("system-ui"), "system-ui").toBe(true);
  });

  it("sizes text in rem so the text size classes scale it", () => {
    expect(/\.govuk-body,\.govuk-body-m\{[^}]*font-size:1\.1875rem/.test(sheet.css)).toBe(true);
    // Pixel font sizes would ignore the reader's choice. govuk-frontend has only three: the
    // GOV.UK logo links (never rendered by Copse) and the "!" icon of warning text, whose circle
    // is a fixed size too.
    const pixelSized = [...sheet.css.matchAll(/([^{}]+)\{[^}]*font-size:[\d.]+px/g)].map(
      (m) => m[1],
    );
    expect(pixelSized).toEqual([
      ".govuk-generic-header__homepage-link",
      ".govuk-header__homepage-link",
      ".govuk-warning-text__icon",
    ]);
  });

  it("refers to no image except the crest of the footer copyright link, which Copse never renders", () => {
    const urls = [...sheet.css.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toBe('"/assets/images/govuk-crest.svg"');
  });

  it("gzips the same CSS", () => {
    expect(gunzipSync(sheet.gzip).toString("utf8")).toBe(sheet.css);
    expect(sheet.gzip.byteLength).toBeLessThan(Buffer.byteLength(sheet.css) / 3);
  });

  it("reuses the cached build on a second start without rewriting it", async () => {
    const cssPath = join(outDir, sheet.fileName);
    const before = await stat(cssPath, { bigint: true });
    const again = await buildStylesheet({ outDir });
    expect(again.fileName).toBe(sheet.fileName);
    expect(again.css).toBe(sheet.css);
    expect(again.gzip.equals(sheet.gzip)).toBe(true);
    // A compile always writes the files afresh (write-then-rename), so an unchanged file is
    // one that was not compiled again; no timing, which a busy machine would upset.
    expect((await stat(cssPath, { bigint: true })).mtimeNs).toBe(before.mtimeNs);
  });

  // A compile of govuk-frontend: a second or two on an idle machine, far more on a busy one.
  it("rebuilds when the cached file has been tampered with", { timeout: 120_000 }, async () => {
    // A copy of the cache built above, whose stylesheet someone then edits by hand.
    const otherDir = await mkdtemp(join(tmpdir(), "copse-css-"));
    try {
      await cp(outDir, otherDir, { recursive: true });
      await writeFile(join(otherDir, sheet.fileName), "body{}");
      const rebuilt = await buildStylesheet({ outDir: otherDir });
      expect(rebuilt.css).toBe(sheet.css);
      expect(await readFile(join(otherDir, sheet.fileName), "utf8")).toBe(sheet.css);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

describe("assetRoutes", () => {
  it("serves the gzipped body to clients that accept gzip", async () => {
    const app = assetRoutes(sheet);
    const response = await app.request(`/assets/${sheet.fileName}`, {
      headers: { "Accept-Encoding": "br, gzip;q=0.8, deflate" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("Content-Encoding")).toBe("gzip");
    expect(response.headers.get("Vary")).toBe("Accept-Encoding");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(sheet.gzip)).toBe(true);
  });

  it("serves plain CSS otherwise, including when gzip is refused with q=0", async () => {
    const app = assetRoutes(sheet);
    for (const acceptEncoding of [undefined, "identity", "*, gzip;q=0"]) {
      const headers: Record<string, string> = acceptEncoding
        ? { "Accept-Encoding": acceptEncoding }
        : {};
      const response = await app.request(`/assets/${sheet.fileName}`, { headers });
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Encoding")).toBeNull();
      expect(response.headers.get("Vary")).toBe("Accept-Encoding");
      expect(response.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
      // Compared as bytes: Response.text() would drop the byte order mark Sass starts with.
      expect(Buffer.from(await response.arrayBuffer()).toString("utf8")).toBe(sheet.css);
    }
  });

  it("knows no other stylesheet name", async () => {
    const response = await assetRoutes(sheet).request("/assets/copse.0000000000000000.css");
    expect(response.status).toBe(404);
  });
});
