import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documents, items, ratings } from "../../src/db/schema/index.ts";
import { getDocument } from "../../src/domain/documents.ts";
import { getItem } from "../../src/domain/items.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { docxSample, utf8 } from "../helpers/samples.ts";

const LIMIT = 2 * 1024 * 1024;

/** Every file under a directory (recursively), relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe("the document library pages", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let eve: WebClient;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  /** Posts the upload form as a browser would: multipart, with the CSRF token. */
  async function upload(
    web: WebClient,
    path: string,
    fields: { title?: string; description?: string },
    file?: { bytes: Uint8Array<ArrayBuffer>; name: string; type: string },
    options: { chunked?: boolean } = {},
  ): Promise<{ response: Response; body: string }> {
    const form = new FormData();
    form.set("_csrf", web.cookie("copse_csrf") ?? "");
    form.set("title", fields.title ?? "");
    form.set("description", fields.description ?? "");
    if (file) form.set("file", new Blob([file.bytes], { type: file.type }), file.name);
    const request = new Request(new URL(path, copse.origin), { method: "POST", body: form });
    const cookie = ["copse_session", "copse_csrf"]
      .map((name) => `${name}=${web.cookie(name) ?? ""}`)
      .join("; ");
    const headers = new Headers(request.headers);
    headers.set("cookie", cookie);
    // Without a length, the server cannot refuse early and must count the bytes as they come.
    const body = options.chunked ? request.body : await request.arrayBuffer();
    if (options.chunked) headers.delete("content-length");
    const response = await fetch(request.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      ...(options.chunked ? { duplex: "half" } : {}),
    } as RequestInit);
    return { response, body: await response.text() };
  }

  function documentCount(): number {
    return copse.db.select().from(items).where(eq(items.kind, "document")).all().length;
  }

  beforeAll(async () => {
    copse = await startTestInstance("Library", { COPSE_MAX_UPLOAD_BYTES: String(LIMIT) });
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    await copse.createUser("eve");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    eve = await signedIn("eve");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("uploads a file, types it from its bytes and serves it as an attachment", async () => {
    const docx = docxSample();
    const { response } = await upload(
      alice,
      "/c/garden/documents/new",
      { title: "Gritting plan", description: "Routes for **this** winter." },
      // The browser's claims (name with a path, type) are not trusted.
      { bytes: docx, name: "C:\\fakepath\\Gritting plan.docx", type: "text/plain" },
    );
    expect(response.status).toBe(303);
    const path = response.headers.get("location")!;
    expect(path).toMatch(/^\/c\/garden\/documents\/\d+$/);
    const id = Number(path.split("/").pop());
    const stored = getDocument(copse.db, id)!;
    expect(stored.mediaType).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect(stored.fileName).toBe("Gritting plan.docx");
    expect(stored.size).toBe(docx.length);

    const page = await bob.get(path);
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("Gritting plan");
    expect(page.body).toContain("Word document");
    expect(page.body).toContain("<strong>this</strong>");

    const download = await bob.get(`${path}/download`);
    expect(download.response.status).toBe(200);
    expect(download.response.headers.get("content-type")).toBe(stored.mediaType);
    expect(download.response.headers.get("content-disposition")).toBe(
      `attachment; filename="Gritting plan.docx"; filename*=UTF-8''Gritting%20plan.docx`,
    );
    expect(download.response.headers.get("x-content-type-options")).toBe("nosniff");
    const again = await fetch(new URL(`${path}/download`, copse.origin));
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(docx);
  });

  it("serves an HTML page disguised as a picture as a plain download", async () => {
    const { response } = await upload(
      alice,
      "/c/garden/documents/new",
      { title: "Cat picture" },
      {
        bytes: utf8("<html><script>alert(document.cookie)</script></html>"),
        name: "cat.png",
        type: "image/png",
      },
    );
    expect(response.status).toBe(303);
    const path = response.headers.get("location")!;
    expect(getDocument(copse.db, Number(path.split("/").pop()))?.mediaType).toBe("text/html");
    const download = await bob.get(`${path}/download`);
    expect(download.response.headers.get("content-type")).toBe("application/octet-stream");
    expect(download.response.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(download.response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.response.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
  });

  it("takes files bigger than the form limit and names non-ASCII files for every browser", async () => {
    const bytes = new Uint8Array(1.5 * 1024 * 1024).fill(0x61);
    const { response } = await upload(
      bob,
      "/c/garden/documents/new",
      { title: "Big notes" },
      { bytes, name: "Café notes.txt", type: "text/plain" },
    );
    expect(response.status).toBe(303);
    const download = await bob.get(`${response.headers.get("location")}/download`);
    expect(download.response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(download.response.headers.get("content-disposition")).toBe(
      `attachment; filename="Caf_ notes.txt"; filename*=UTF-8''Caf%C3%A9%20notes.txt`,
    );
    expect(download.body.length).toBe(bytes.length);
    // Sent without a length (chunked), the body is counted as it arrives and still stored.
    const chunked = await upload(
      bob,
      "/c/garden/documents/new",
      { title: "Chunked notes" },
      { bytes: bytes.subarray(1), name: "chunked.txt", type: "text/plain" },
      { chunked: true },
    );
    expect(chunked.response.status).toBe(303);
    const id = Number(chunked.response.headers.get("location")!.split("/").pop());
    expect(getDocument(copse.db, id)?.size).toBe(bytes.length - 1);
  });

  it("refuses an upload over the limit with a readable page and keeps nothing", async () => {
    const before = documentCount();
    const filesDir = join(copse.config.dataDir, "files");
    const filesBefore = filesUnder(filesDir);
    const bytes = new Uint8Array(LIMIT + 300 * 1024).fill(0x62);
    for (const chunked of [false, true]) {
      const { response, body } = await upload(
        bob,
        "/c/garden/documents/new",
        { title: "Too big" },
        { bytes, name: "huge.txt", type: "text/plain" },
        { chunked },
      );
      expect(response.status).toBe(413);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(body).toContain("The file is too large");
      expect(body).toContain("The selected file must be smaller than 2 MB");
      expect(body).toContain('href="/c/garden/documents/new"');
    }
    // A file just over the limit fits the request's allowance for the other fields, so it is
    // the upload itself that refuses it.
    const justOver = await upload(
      bob,
      "/c/garden/documents/new",
      { title: "Slightly too big" },
      { bytes: new Uint8Array(LIMIT + 1).fill(0x63), name: "over.txt", type: "text/plain" },
    );
    expect(justOver.response.status).toBe(413);
    expect(justOver.body).toContain("The file is too large");
    expect(documentCount()).toBe(before);
    expect(filesUnder(filesDir)).toEqual(filesBefore);
    expect(filesUnder(join(filesDir, "tmp"))).toEqual([]);
  });

  it("shows every problem with the form in place and stores nothing", async () => {
    const before = documentCount();
    const { response, body } = await upload(alice, "/c/garden/documents/new", {
      description: "No title, no file",
    });
    expect(response.status).toBe(422);
    expect(body).toContain("Enter a title");
    expect(body).toContain("Select a file");
    expect(body).toContain('href="#file"');
    expect(body).toContain("No title, no file");
    expect(documentCount()).toBe(before);
    const empty = await upload(
      alice,
      "/c/garden/documents/new",
      { title: "Empty" },
      { bytes: new Uint8Array(0), name: "empty.txt", type: "text/plain" },
    );
    expect(empty.response.status).toBe(422);
    expect(empty.body).toContain("The selected file is empty");
  });

  it("keeps one rating per person and shows the average", async () => {
    const { response } = await upload(
      alice,
      "/c/garden/documents/new",
      { title: "Budget" },
      { bytes: utf8("service,budget\nparks,100\n"), name: "budget.csv", type: "text/csv" },
    );
    const path = response.headers.get("location")!;
    const id = Number(path.split("/").pop());
    expect((await bob.post(`${path}/rate`, { stars: "2" })).response.status).toBe(303);
    expect((await bob.post(`${path}/rate`, { stars: "4" })).response.status).toBe(303);
    expect((await alice.post(`${path}/rate`, { stars: "5" })).response.status).toBe(303);
    const rows = copse.db.select().from(ratings).where(eq(ratings.itemId, id)).all();
    expect(rows.map((r) => r.stars).sort()).toEqual([4, 5]);
    const page = await bob.get(path);
    expect(page.body).toContain("4.5 out of 5 (2 ratings)");
    expect(page.body).toContain("You gave it 4 out of 5.");

    const bad = await bob.post(`${path}/rate`, { stars: "9" });
    expect(bad.response.status).toBe(422);
    expect(bad.body).toContain("Select a rating from 1 to 5 stars");
    // Eve is not a member of the community, so she cannot rate.
    expect((await eve.post(`${path}/rate`, { stars: "1" })).response.status).toBe(403);
    expect(copse.db.select().from(ratings).where(eq(ratings.itemId, id)).all()).toHaveLength(2);
  });

  it("threads comments under a document", async () => {
    const { response } = await upload(
      alice,
      "/c/garden/documents/new",
      { title: "Tender" },
      { bytes: utf8("%PDF-1.4\n"), name: "tender.pdf", type: "application/pdf" },
    );
    const path = response.headers.get("location")!;
    const id = Number(path.split("/").pop());
    const comment = await bob.post(`${path}/comment`, {
      body: "Useful, thanks.",
      parent: String(id),
    });
    expect(comment.response.status).toBe(303);
    const commentId = Number(comment.response.headers.get("location")!.split("#item-")[1]);
    expect(getItem(copse.db, commentId)).toMatchObject({ kind: "reply", parentId: id });
    await alice.post(`${path}/comment`, { body: "Glad it helps.", parent: String(commentId) });
    const page = await bob.get(path);
    expect(page.body).toContain("Comments (2)");
    expect(page.body.indexOf("Glad it helps.")).toBeGreaterThan(
      page.body.indexOf(`id="item-${commentId}"`),
    );
    const empty = await bob.post(`${path}/comment`, { body: " ", parent: String(id) });
    expect(empty.response.status).toBe(422);
    expect(empty.body).toContain("Write your comment");
  });

  it("sorts the list by latest, A to Z and the viewer's own", async () => {
    const latest = await bob.get("/c/garden/documents");
    expect(latest.response.status).toBe(200);
    expect(latest.body.indexOf("Tender")).toBeLessThan(latest.body.indexOf("Gritting plan"));
    const az = await bob.get("/c/garden/documents?sort=az");
    const order = [
      "Big notes",
      "Budget",
      "Cat picture",
      "Chunked notes",
      "Gritting plan",
      "Tender",
    ].map((t) => az.body.indexOf(t));
    expect(order.every((pos, i) => pos > 0 && (i === 0 || pos > order[i - 1]!))).toBe(true);
    const mine = await bob.get("/c/garden/documents?sort=mine");
    expect(mine.body).toContain("Big notes");
    expect(mine.body).not.toContain("Gritting plan");
  });

  it("lets the uploader edit and delete, and removes the unused file", async () => {
    const { response } = await upload(
      bob,
      "/c/garden/documents/new",
      { title: "Draft policy" },
      { bytes: utf8("A unique draft policy text.\n"), name: "policy.txt", type: "text/plain" },
    );
    const path = response.headers.get("location")!;
    const id = Number(path.split("/").pop());
    const stored = getDocument(copse.db, id)!;
    const file = join(copse.config.dataDir, stored.storagePath!);
    expect(existsSync(file)).toBe(true);
    expect(
      (await eve.post(`${path}/edit?item=${id}`, { title: "Mine", description: "" })).response
        .status,
    ).toBe(403);
    const edited = await bob.post(`${path}/edit?item=${id}`, {
      title: "Policy (final)",
      description: "Agreed.",
    });
    expect(edited.response.status).toBe(303);
    expect(getItem(copse.db, id)?.title).toBe("Policy (final)");
    expect((await bob.get(`${path}/delete?item=${id}`)).body).toContain("Delete this document?");
    const deleted = await bob.post(`${path}/delete`, { item: String(id) });
    expect(deleted.response.status).toBe(303);
    expect(existsSync(file)).toBe(false);
    expect((await bob.get(path)).response.status).toBe(404);
    expect((await bob.get(`${path}/download`)).response.status).toBe(404);
  });

  it("keeps a private community's documents from non-members", async () => {
    const { response } = await upload(
      alice,
      "/c/vault/documents/new",
      { title: "Restructure" },
      { bytes: utf8("Confidential plans.\n"), name: "plans.txt", type: "text/plain" },
    );
    expect(response.status).toBe(303);
    const path = response.headers.get("location")!;
    for (const outsider of [bob, new WebClient(copse.origin)]) {
      for (const url of ["/c/vault/documents", path, `${path}/download`]) {
        const seen = await outsider.get(url);
        expect(seen.response.status).toBe(403);
        expect(seen.body).not.toContain("Restructure");
        expect(seen.body).not.toContain("Confidential plans");
      }
    }
    const sneaky = await upload(
      bob,
      "/c/vault/documents/new",
      { title: "Let me in" },
      { bytes: utf8("x"), name: "x.txt", type: "text/plain" },
    );
    expect(sneaky.response.status).toBe(403);
    const member = await alice.get(`${path}/download`);
    expect(member.response.status).toBe(200);
    expect(member.body).toBe("Confidential plans.\n");
    expect(
      copse.db
        .select()
        .from(documents)
        .all()
        .every((d) => d.storagePath !== null),
    ).toBe(true);
  });
});
