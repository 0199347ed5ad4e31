import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { storeUpload } from "../../../src/domain/files.ts";
import { type FileStore, fileStoreFor, localFileStore } from "../../../src/domain/storage/store.ts";
import { type FakeS3, startFakeS3 } from "../../helpers/fake-s3.ts";

// The same contract, run against every kind of store: what one backend does, the others do.

const root = mkdtempSync(join(tmpdir(), "copse-store-"));
let s3: FakeS3;
beforeAll(async () => {
  s3 = await startFakeS3();
});
afterAll(async () => {
  await s3.close();
  rmSync(root, { recursive: true, force: true });
});

const text = (s: string) => new TextEncoder().encode(s);
async function readAll(stream: ReadableStream<Uint8Array> | null): Promise<string | null> {
  if (!stream) return null;
  return new Response(stream).text();
}

const backends: [string, () => FileStore][] = [
  ["a local directory", () => localFileStore(join(root, "local"))],
  [
    "an S3 bucket (a fake server)",
    () =>
      fileStoreFor(
        loadConfig({
          COPSE_DATA_DIR: join(root, "s3-data"),
          COPSE_ORIGIN: "https://a.example",
          ...s3.env,
        }).files,
      ),
  ],
];

describe.each(backends)("a file store in %s", (_name, make) => {
  it("puts, reads whole and streamed, sizes, and deletes a file", async () => {
    const store = make();
    const key = "media/people/alice/48.webp";
    expect(await store.exists(key)).toBe(false);
    expect(await store.get(key)).toBeNull();
    expect(await store.stream(key)).toBeNull();
    expect(await store.size(key)).toBeNull();
    await store.put(key, text("first"));
    await store.put(key, text("second photo"));
    expect(await store.exists(key)).toBe(true);
    expect((await store.get(key))?.toString()).toBe("second photo");
    expect(await readAll(await store.stream(key))).toBe("second photo");
    expect(await store.size(key)).toBe(12);
    await store.delete(key);
    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
  });

  it("stores an upload under its content address, once, and leaves no temporary file", async () => {
    const store = make();
    async function* chunks() {
      yield text("Minutes of ");
      yield text("the meeting.\n");
    }
    const first = await storeUpload(store, chunks(), 1024);
    const again = await storeUpload(store, chunks(), 1024);
    expect(first.storagePath).toMatch(/^files\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    expect(again).toEqual(first);
    expect((await store.get(first.storagePath))?.toString()).toBe("Minutes of the meeting.\n");
    expect(await store.size(first.storagePath)).toBe(24);
    expect(
      existsSync(store.tempDir) ? (await import("node:fs")).readdirSync(store.tempDir) : [],
    ).toEqual([]);
  });

  it("refuses keys that would leave the store", async () => {
    const store = make();
    for (const key of [
      "../copse.db",
      "files/../../etc/passwd",
      "/etc/passwd",
      "files//x",
      "files/..",
    ]) {
      await expect(store.get(key)).rejects.toThrow("Not a stored file key");
      await expect(store.put(key, text("x"))).rejects.toThrow("Not a stored file key");
    }
  });
});

describe("the local directory store", () => {
  it("keeps today's layout: a key is a path below the data directory", async () => {
    const dir = join(root, "layout");
    const store = fileStoreFor(
      loadConfig({ COPSE_DATA_DIR: dir, COPSE_ORIGIN: "https://a.example" }).files,
    );
    mkdirSync(join(dir, "files", "ab"), { recursive: true });
    writeFileSync(join(dir, "files", "ab", "ab01"), "stored before");
    expect((await store.get("files/ab/ab01"))?.toString()).toBe("stored before");
  });

  it("uses COPSE_FILES_DIR, a shared directory, when it is set", async () => {
    const shared = join(root, "nfs");
    const config = loadConfig({
      COPSE_DATA_DIR: join(root, "machine-a"),
      COPSE_FILES_DIR: shared,
      COPSE_ORIGIN: "https://a.example",
    });
    await fileStoreFor(config.files).put("media/uploads/ab/ab02.webp", text("shared"));
    expect(existsSync(join(shared, "media", "uploads", "ab", "ab02.webp"))).toBe(true);
    expect(existsSync(join(root, "machine-a", "media"))).toBe(false);
  });
});

describe("the S3 store against the fake bucket", () => {
  it("sends signed requests the bucket accepts, and none with other credentials", async () => {
    const good = fileStoreFor(
      loadConfig({
        COPSE_DATA_DIR: join(root, "s3-b"),
        COPSE_ORIGIN: "https://a.example",
        ...s3.env,
      }).files,
    );
    await good.put("files/cd/cd01", text("signed"));
    expect(s3.objects.get("files/cd/cd01")?.toString()).toBe("signed");
    const wrong = fileStoreFor(
      loadConfig({
        COPSE_DATA_DIR: join(root, "s3-c"),
        COPSE_ORIGIN: "https://a.example",
        ...s3.env,
        COPSE_S3_SECRET_ACCESS_KEY: "not-the-secret",
      }).files,
    );
    await expect(wrong.get("files/cd/cd01")).rejects.toThrow("403 SignatureDoesNotMatch");
    expect(s3.requests).toContain("GET files/cd/cd01 403");
  });
});
