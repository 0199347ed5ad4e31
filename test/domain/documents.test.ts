import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import {
  createDocument,
  listDocuments,
  sanitiseFileName,
  saveRemoteDocument,
  unusedFileOf,
  validateDocument,
} from "../../src/domain/documents.ts";
import { ForbiddenError, ValidationError } from "../../src/domain/errors.ts";
import { describeSize, storeUpload, UploadTooLargeError } from "../../src/domain/files.ts";
import { deleteItem, insertItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { rateDocument, ratingSummary, recordLike, removeLike } from "../../src/domain/ratings.ts";
import { localFileStore } from "../../src/domain/storage/store.ts";
import { freshDb } from "../helpers/db.ts";
import { docxSample, utf8 } from "../helpers/samples.ts";

const ORIGIN = "https://copse.test";
const dirs: string[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "copse-files-"));
  dirs.push(dir);
  return dir;
}

async function* chunks(...parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield part;
}

/** Every file under a directory, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function library() {
  const db = freshDb();
  const make = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
  const alice = await make("alice");
  const bob = await make("bob");
  const eve = await make("eve");
  const garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
  requestMembership(db, { groupId: garden.actor.id, memberId: bob.actor.id });
  return { db, alice, bob, eve, garden };
}

describe("storing uploaded files", () => {
  it("stores a file by its SHA-256, sniffed, and stores the same bytes once", async () => {
    const dir = dataDir();
    const docx = docxSample();
    const first = await storeUpload(
      localFileStore(dir),
      chunks(docx.subarray(0, 10), docx.subarray(10)),
      1024,
    );
    expect(first.size).toBe(docx.length);
    expect(first.mediaType).toMatch(/wordprocessingml/);
    expect(first.storagePath).toBe(join("files", first.sha256.slice(0, 2), first.sha256));
    expect(readFileSync(join(dir, first.storagePath))).toEqual(Buffer.from(docx));
    const again = await storeUpload(localFileStore(dir), chunks(docx), 1024);
    expect(again.storagePath).toBe(first.storagePath);
    expect(filesUnder(dir)).toEqual([first.storagePath]);
  });

  it("stops at the limit and leaves no partial file behind", async () => {
    const dir = dataDir();
    const big = new Uint8Array(600).fill(65);
    await expect(storeUpload(localFileStore(dir), chunks(big, big), 1000)).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
    expect(filesUnder(dir)).toEqual([]);
    expect(existsSync(localFileStore(dir).tempDir)).toBe(true);
  });

  it("removes the temporary file when the upload fails midway", async () => {
    const dir = dataDir();
    async function* broken(): AsyncIterable<Uint8Array> {
      yield utf8("first part");
      throw new Error("connection reset");
    }
    await expect(storeUpload(localFileStore(dir), broken(), 1000)).rejects.toThrow(
      "connection reset",
    );
    expect(filesUnder(dir)).toEqual([]);
  });

  it("clears uploads a crash left behind a day ago, and only those", async () => {
    const dir = dataDir();
    const tmp = localFileStore(dir).tempDir;
    mkdirSync(tmp, { recursive: true });
    const old = join(tmp, "crashed.part");
    const recent = join(tmp, "in-progress.part");
    writeFileSync(old, "partial");
    writeFileSync(recent, "partial");
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    await storeUpload(localFileStore(dir), chunks(utf8("fresh")), 1000);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });

  it("describes sizes for people", () => {
    expect(describeSize(850)).toBe("850 bytes");
    expect(describeSize(12 * 1024)).toBe("12 KB");
    expect(describeSize(1.5 * 1024 * 1024)).toBe("1.5 MB");
    expect(describeSize(25 * 1024 * 1024)).toBe("25 MB");
  });
});

describe("documents and ratings", () => {
  it("cleans file names of paths and control characters", () => {
    expect(sanitiseFileName("C:\\Users\\me\\Budget 2026.xlsx")).toBe("Budget 2026.xlsx");
    expect(sanitiseFileName("../../etc/passwd")).toBe("passwd");
    expect(sanitiseFileName("evil\u202Egpj.exe")).toBe("evilgpj.exe");
    expect(sanitiseFileName("line\r\nbreak.txt")).toBe("linebreak.txt");
    expect(sanitiseFileName("...")).toBe("file");
    const long = sanitiseFileName(`${"x".repeat(300)}.pdf`);
    expect(long).toHaveLength(200);
    expect(long.endsWith(".pdf")).toBe(true);
  });

  it("reports every problem with a new document at once", () => {
    try {
      validateDocument({ title: "", description: "", file: null });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors.map((e) => e.field)).toEqual(["title", "file"]);
    }
    expect(() =>
      validateDocument({ title: "Plan", description: "", file: { name: "a.txt", size: 0 } }),
    ).toThrow("The selected file is empty");
  });

  it("keeps one rating per person, averages stars, and counts Likes apart", async () => {
    const { db, alice, bob, eve, garden } = await library();
    const dir = dataDir();
    const stored = await storeUpload(
      localFileStore(dir),
      chunks(utf8("Minutes of the meeting.\n")),
      1024,
    );
    const { item, document } = createDocument(db, ORIGIN, {
      author: alice.actor,
      group: garden.actor,
      title: "Minutes",
      description: "From **March**.",
      fileName: "minutes.txt",
      file: stored,
    });
    expect(document.mediaType).toBe("text/plain");
    expect(item.bodyHtml).toContain("<strong>March</strong>");

    expect(rateDocument(db, item, bob.actor.id, "2")).toEqual({ first: true });
    expect(rateDocument(db, item, bob.actor.id, "4")).toEqual({ first: false });
    expect(rateDocument(db, item, alice.actor.id, 5)).toEqual({ first: true });
    expect(ratingSummary(db, item.id, bob.actor.id)).toEqual({
      average: 4.5,
      count: 2,
      likes: 0,
      mine: 4,
    });
    expect(() => rateDocument(db, item, bob.actor.id, "6")).toThrow(ValidationError);
    expect(() => rateDocument(db, item, bob.actor.id, "")).toThrow(ValidationError);
    expect(() => rateDocument(db, item, eve.actor.id, "5")).toThrow(ForbiddenError);

    // A Like never moves the average, and someone who rated keeps their stars.
    expect(recordLike(db, item, eve.actor.id, "https://else.example/likes/1")).toBe(true);
    expect(recordLike(db, item, eve.actor.id, "https://else.example/likes/1")).toBe(false);
    expect(recordLike(db, item, bob.actor.id, "https://else.example/likes/2")).toBe(false);
    expect(ratingSummary(db, item.id)).toMatchObject({ average: 4.5, count: 2, likes: 1 });
    expect(removeLike(db, item.id, bob.actor.id)).toBe(false);
    expect(removeLike(db, item.id, eve.actor.id)).toBe(true);
    expect(ratingSummary(db, item.id).likes).toBe(0);

    const listed = listDocuments(db, garden.actor.id, { sort: "latest", page: 1, pageSize: 10 });
    expect(listed.total).toBe(1);
    expect(listed.documents[0]).toMatchObject({ average: 4.5, ratings: 2, comments: 0 });
  });

  it("frees a deleted document's file only when no other document shares it", async () => {
    const { db, alice, garden } = await library();
    const dir = dataDir();
    const bytes = utf8("Same bytes.\n");
    const add = async (title: string) =>
      createDocument(db, ORIGIN, {
        author: alice.actor,
        group: garden.actor,
        title,
        description: "",
        fileName: `${title}.txt`,
        file: await storeUpload(localFileStore(dir), chunks(bytes), 1024),
      });
    const one = await add("One");
    const two = await add("Two");
    deleteItem(db, one.item, alice.actor.id);
    expect(unusedFileOf(db, one.document)).toBeNull();
    deleteItem(db, two.item, alice.actor.id);
    expect(unusedFileOf(db, two.document)).toBe(two.document.storagePath);
  });

  it("keeps only web links for documents from other servers", async () => {
    const { db, bob, garden } = await library();
    const remote = (iri: string) =>
      insertItem(db, {
        kind: "document",
        iri,
        authorId: bob.actor.id,
        groupIds: [garden.actor.id],
        bodyHtml: "",
        visibility: "public",
        isLocal: false,
        title: "Remote",
      });
    const kept = saveRemoteDocument(db, remote("https://b.example/a/1").id, {
      fileName: "plan.pdf",
      mediaType: "application/pdf",
      remoteUrl: "https://b.example/files/plan.pdf",
    });
    expect(kept).toMatchObject({ remoteUrl: "https://b.example/files/plan.pdf", size: null });
    const refused = saveRemoteDocument(db, remote("https://b.example/a/2").id, {
      fileName: "x",
      mediaType: "text/html",
      remoteUrl: "javascript:alert(1)",
    });
    expect(refused).toBeUndefined();
  });
});
