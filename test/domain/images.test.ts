import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import { mayViewUploadedImage } from "../../src/domain/images/access.ts";
import {
  failedProxyUrls,
  freshProxyEntry,
  imageProxyKey,
  PROXY_TTL_MS,
  pruneProxyCache,
  recordProxyFailure,
  signImageUrl,
  storeProxiedImage,
  verifyImageUrl,
} from "../../src/domain/images/proxy-cache.ts";
import {
  getUploadedImage,
  imageMarkdown,
  MAX_IMAGE_UPLOAD_BYTES,
  missingAltText,
  removeUnusedUploads,
  storeUploadedImage,
  uploadedImagePath,
  uploadedImagesInMarkdown,
} from "../../src/domain/images/uploads.ts";
import { composeItem } from "../../src/domain/items.ts";
import { localFileStore } from "../../src/domain/storage/store.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";
const dataDir = mkdtempSync(join(tmpdir(), "copse-images-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const solid = (background: string, width = 40) =>
  sharp({ create: { width, height: 30, channels: 3, background } });

async function people() {
  const db = freshDb();
  const person = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
  return { db, alice: await person("alice"), bob: await person("bob") };
}

describe("uploaded pictures", () => {
  it("takes JPEG, PNG, GIF and WebP by their bytes, whatever the name said", async () => {
    const { db, alice } = await people();
    for (const bytes of [
      await solid("#f00").jpeg().toBuffer(),
      await solid("#0f0").png().toBuffer(),
      await solid("#00f").gif().toBuffer(),
      await solid("#ff0").webp().toBuffer(),
    ]) {
      const image = await storeUploadedImage(db, localFileStore(dataDir), alice.actor.id, bytes);
      expect(image.width).toBe(40);
      expect(existsSync(join(dataDir, image.storagePath))).toBe(true);
    }
    const refused = async (bytes: Uint8Array) => {
      const error = await storeUploadedImage(
        db,
        localFileStore(dataDir),
        alice.actor.id,
        bytes,
      ).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).errors[0]!.message;
    };
    expect(await refused(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe(
      "The image must be a JPEG, PNG, GIF or WebP file",
    );
    expect(await refused(new Uint8Array(0))).toBe("Choose an image to add");
    expect(await refused(new Uint8Array(MAX_IMAGE_UPLOAD_BYTES + 1))).toBe(
      "The image must be smaller than 10 MB",
    );
    // The right magic number, then rubbish: sniffed as a PNG, but sharp cannot read it.
    const broken = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]),
      Buffer.alloc(64),
    ]);
    expect(await refused(broken)).toMatch(/could not be read/);
  });

  it("lets a post's readers see its pictures once it is saved, and only the uploader's", async () => {
    const { db, alice, bob } = await people();
    const vault = createCommunity(db, ORIGIN, {
      handle: "vault",
      name: "Vault",
      description: "",
      visibility: "private",
      ownerActorId: alice.actor.id,
    });
    const garden = createCommunity(db, ORIGIN, {
      handle: "garden",
      name: "Garden",
      description: "",
      visibility: "public",
      ownerActorId: bob.actor.id,
    });
    const image = await storeUploadedImage(
      db,
      localFileStore(dataDir),
      alice.actor.id,
      await solid("#123").png().toBuffer(),
    );
    const url = ORIGIN + uploadedImagePath(image);
    expect(mayViewUploadedImage(db, image, alice.actor.id)).toBe(true);
    expect(mayViewUploadedImage(db, image, bob.actor.id)).toBe(false);
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [vault.actor],
      title: "Secret",
      body: imageMarkdown("The safe", url),
    });
    // Members of the private community only: bob is not one, nor is a stranger.
    expect(mayViewUploadedImage(db, image, bob.actor.id)).toBe(false);
    expect(mayViewUploadedImage(db, image, null)).toBe(false);
    // Bob pasting the address into a public post of his own does not make it public.
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: bob.actor,
      groups: [garden.actor],
      title: "Copied",
      body: imageMarkdown("Copied", url),
    });
    expect(mayViewUploadedImage(db, image, null)).toBe(false);
  });

  it("reads the pictures and alt texts a text shows, and asks for missing alt text", async () => {
    const { db, alice } = await people();
    const image = await storeUploadedImage(
      db,
      localFileStore(dataDir),
      alice.actor.id,
      await solid("#456").png().toBuffer(),
    );
    const url = ORIGIN + uploadedImagePath(image);
    const markdown = `Intro\n\n${imageMarkdown("A [bracketed] \\ name\nover lines", url)}`;
    expect(markdown).toContain("![A \\[bracketed\\] \\\\ name over lines](");
    const found = uploadedImagesInMarkdown(db, markdown);
    expect(found.map((f) => [f.image.uuid, f.alt])).toEqual([
      [image.uuid, "A [bracketed] \\ name over lines"],
    ]);
    expect(missingAltText(markdown)).toBeNull();
    expect(missingAltText(`![](${url})`)).toMatch(/Describe each image/);
    expect(missingAltText(`![Describe the image](${url})`)).toMatch(/Describe each image/);
    // Pictures from elsewhere are not this rule's business.
    expect(missingAltText("![](https://elsewhere.example/a.png)")).toBeNull();
  });
});

describe("unused uploads", () => {
  it("removes pictures no saved post shows once they are a day old, and keeps the rest", async () => {
    const { db, alice } = await people();
    const dir = mkdtempSync(join(tmpdir(), "copse-unused-"));
    const garden = createCommunity(db, ORIGIN, {
      handle: "garden",
      name: "Garden",
      description: "",
      visibility: "public",
      ownerActorId: alice.actor.id,
    });
    const used = await storeUploadedImage(
      db,
      localFileStore(dir),
      alice.actor.id,
      await solid("#700").png().toBuffer(),
    );
    const abandoned = await storeUploadedImage(
      db,
      localFileStore(dir),
      alice.actor.id,
      await solid("#070").png().toBuffer(),
    );
    composeItem(db, ORIGIN, {
      kind: "topic",
      author: alice.actor,
      groups: [garden.actor],
      title: "Kept",
      body: imageMarkdown("Kept", ORIGIN + uploadedImagePath(used)),
    });
    // Nothing is a day old yet.
    expect(await removeUnusedUploads(db, localFileStore(dir), new Date(Date.now() - 60_000))).toBe(
      0,
    );
    expect(await removeUnusedUploads(db, localFileStore(dir), new Date(Date.now() + 60_000))).toBe(
      1,
    );
    expect(getUploadedImage(db, abandoned.uuid)).toBeUndefined();
    expect(existsSync(join(dir, abandoned.storagePath))).toBe(false);
    expect(getUploadedImage(db, used.uuid)).toBeDefined();
    expect(existsSync(join(dir, used.storagePath))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("the image proxy's rules", () => {
  it("signs addresses with the instance's own key and checks signatures", () => {
    const db = freshDb();
    const key = imageProxyKey(db);
    expect(imageProxyKey(db)).toBe(key);
    const url = "https://elsewhere.example/cat.png";
    const signature = signImageUrl(key, url);
    expect(verifyImageUrl(key, url, signature)).toBe(true);
    expect(verifyImageUrl(key, `${url}?x`, signature)).toBe(false);
    expect(verifyImageUrl(key, url, signature.slice(1))).toBe(false);
    expect(verifyImageUrl(imageProxyKey(freshDb()), url, signature)).toBe(false);
  });

  it("keeps pictures for a week, failures for an hour, and the newest within its cap", async () => {
    const db = freshDb();
    const dir = mkdtempSync(join(tmpdir(), "copse-proxy-"));
    const t0 = new Date("2026-12-01T10:00:00Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const prepared = async (colour: string) => {
      const webp = await solid(colour, 200).webp().toBuffer();
      return { webp, width: 200, height: 30 };
    };
    const a = await prepared("#a00");
    const b = await prepared("#0a0");
    const c = await prepared("#00a");
    // Room for a and either of the others, never for all three.
    const cap = a.webp.length + Math.max(b.webp.length, c.webp.length);
    await storeProxiedImage(db, localFileStore(dir), "https://x.example/a", a, {
      now: t0,
      maxBytes: cap,
    });
    await storeProxiedImage(db, localFileStore(dir), "https://x.example/b", b, {
      now: at(1000),
      maxBytes: cap,
    });
    // Reading a makes it the more recently used of the two.
    expect(freshProxyEntry(db, "https://x.example/a", at(2000))?.state).toBe("stored");
    const bPath = freshProxyEntry(db, "https://x.example/b", at(1500))!.storagePath!;
    freshProxyEntry(db, "https://x.example/a", at(2500));
    await storeProxiedImage(db, localFileStore(dir), "https://x.example/c", c, {
      now: at(3000),
      maxBytes: cap,
    });
    // Over the cap: b, least recently used, went, file and all.
    expect(freshProxyEntry(db, "https://x.example/b", at(4000))).toBeUndefined();
    expect(existsSync(join(dir, bPath))).toBe(false);
    expect(freshProxyEntry(db, "https://x.example/a", at(4000))).toBeDefined();
    // After a week a picture is fetched again.
    expect(freshProxyEntry(db, "https://x.example/c", at(3000 + PROXY_TTL_MS))).toBeUndefined();

    await recordProxyFailure(
      db,
      localFileStore(dir),
      "https://x.example/dead",
      "the server answered 500",
      t0,
    );
    expect(
      failedProxyUrls(db, ["https://x.example/dead", "https://x.example/a"], at(1000)),
    ).toEqual(new Set(["https://x.example/dead"]));
    expect(failedProxyUrls(db, ["https://x.example/dead"], at(61 * 60 * 1000)).size).toBe(0);
    await pruneProxyCache(db, localFileStore(dir), cap, at(61 * 60 * 1000));
    expect(freshProxyEntry(db, "https://x.example/dead", t0)).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });
});
