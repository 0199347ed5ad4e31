import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runOperation } from "../../src/cli/operations.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import { WebClient } from "../helpers/client.ts";
import { type FakeS3, startFakeS3 } from "../helpers/fake-s3.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { docxSample } from "../helpers/samples.ts";
import { TEST_DATABASE } from "../helpers/test-database.ts";

// An instance that keeps uploaded files in an S3-compatible bucket (a FAKE S3 server, see
// test/helpers/fake-s3.ts): documents, profile photos and pictures in posts go to the bucket,
// come back to those allowed to see them, and nothing of them lands in the data directory.

/** Every file under a directory (recursively), relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe("uploaded files kept in an S3 bucket", () => {
  let s3: FakeS3;
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let eve: WebClient;
  const backups = mkdtempSync(join(tmpdir(), "copse-s3-backup-"));

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  beforeAll(async () => {
    s3 = await startFakeS3();
    copse = await startTestInstance("Bucket", s3.env);
    const a = await copse.createUser("alice");
    const b = await copse.createUser("bob");
    await copse.createUser("eve");
    const vault = copse.createCommunity("vault", a, "private");
    requestMembership(copse.db, { groupId: vault.actor.id, memberId: b.actor.id });
    decideMembership(copse.db, {
      groupId: vault.actor.id,
      memberId: b.actor.id,
      byActorId: a.actor.id,
      approve: true,
    });
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    eve = await signedIn("eve");
  });
  afterAll(async () => {
    await copse?.close();
    await s3?.close();
    rmSync(backups, { recursive: true, force: true });
  });

  it("stores a private community's document in the bucket and serves it to members only", async () => {
    const docx = docxSample();
    const { response } = await alice.postMultipart(
      "/c/vault/documents/new",
      { title: "Budget", description: "Draft figures." },
      { file: { bytes: docx, name: "Budget.docx", type: "application/octet-stream" } },
    );
    expect(response.status).toBe(303);
    const path = response.headers.get("location")!;
    const keys = [...s3.objects.keys()].filter((k) => k.startsWith("files/"));
    expect(keys).toHaveLength(1);
    expect(new Uint8Array(s3.objects.get(keys[0]!)!)).toEqual(docx);

    const member = await bob.get(`${path}/download`);
    expect(member.response.status).toBe(200);
    expect(member.response.headers.get("content-length")).toBe(String(docx.length));
    const bytes = await fetch(new URL(`${path}/download`, copse.origin), {
      headers: { cookie: `copse_session=${bob.cookie("copse_session")}` },
    });
    expect(new Uint8Array(await bytes.arrayBuffer())).toEqual(docx);

    // Someone outside the community is told it is for members (as without S3), and the
    // bucket is not even asked.
    const asked = s3.requests.length;
    const outsider = await eve.get(`${path}/download`);
    expect(outsider.response.status).toBe(403);
    // The ZIP's own signature: the page's random form token may well hold the letters "PK".
    expect(outsider.body).not.toContain("PK\u0003\u0004");
    expect(s3.requests.length).toBe(asked);
    const anonymous = await fetch(new URL(`${path}/download`, copse.origin), {
      redirect: "manual",
    });
    expect(anonymous.status).not.toBe(200);
  });

  it("stores a profile photo in the bucket and serves it", async () => {
    const jpeg = await sharp({
      create: { width: 300, height: 200, channels: 3, background: { r: 20, g: 90, b: 160 } },
    })
      .jpeg()
      .toBuffer();
    await alice.get("/profile/edit");
    const { response } = await alice.postMultipart(
      "/profile/edit",
      { name: "Alice Archer" },
      { photo: { bytes: jpeg, name: "me.jpg", type: "image/jpeg" } },
    );
    expect(response.status).toBe(303);
    for (const size of [48, 128, 400]) {
      expect(s3.objects.has(`media/people/alice/${size}.webp`)).toBe(true);
    }
    const served = await fetch(new URL("/media/people/alice/128.webp", copse.origin));
    expect(served.status).toBe(200);
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(128);
    const nobody = await fetch(new URL("/media/people/eve/128.webp", copse.origin));
    expect(nobody.status).toBe(404);
  });

  it("stores a picture added to a private post in the bucket, shown to its uploader only until posted", async () => {
    const png = await sharp({
      create: { width: 64, height: 64, channels: 3, background: { r: 0, g: 120, b: 0 } },
    })
      .png()
      .toBuffer();
    const { body } = await alice.postMultipart(
      "/c/vault/forum/new",
      { title: "Site", body: "", image_alt: "The site", image_into: "body", action: "add-image" },
      { image: { bytes: png, name: "site.png", type: "image/png" } },
    );
    const match = /\((http[^)]+\/media\/uploads\/[0-9a-f-]+\.webp)\)/.exec(body);
    expect(match).not.toBeNull();
    const picture = new URL(match![1]!).pathname;
    expect([...s3.objects.keys()].some((k) => k.startsWith("media/uploads/"))).toBe(true);
    expect((await alice.get(picture)).response.status).toBe(200);
    // Not yet in a saved post: only its uploader may see it.
    expect((await eve.get(picture)).response.status).toBe(404);
  });

  it("writes nothing of the uploads under the data directory", () => {
    const dataDir = copse.config.dataDir;
    expect(filesUnder(join(dataDir, "files"))).toEqual([]);
    for (const folder of ["uploads", "people", "images"]) {
      expect(filesUnder(join(dataDir, "media", folder))).toEqual([]);
    }
    // Uploads were received into tmp/uploads and removed once in the bucket.
    expect(filesUnder(join(dataDir, "tmp"))).toEqual([]);
  });

  // The backup command copies SQLite's file (db.$client.backup); a PostgreSQL database is
  // backed up by its own tools, so there is no backup here to check on PostgreSQL.
  it.skipIf(TEST_DATABASE === "postgres")(
    "says a backup holds the database but not the bucket's files",
    async () => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
      const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
      try {
        const target = join(backups, "today");
        const code = await runOperation("backup", target, { force: false }, copse.config);
        expect(code).toBe(0);
        expect(warn.mock.calls.flat().join("\n")).toContain(
          `Uploaded files (documents, photos, pictures) are kept in the S3 bucket ${s3.bucket} at ${s3.endpoint} and are NOT in this backup`,
        );
        expect(existsSync(join(target, "copse.db"))).toBe(true);
        expect(filesUnder(join(target, "files"))).toEqual([]);
      } finally {
        warn.mockRestore();
        log.mockRestore();
      }
    },
  );
});
