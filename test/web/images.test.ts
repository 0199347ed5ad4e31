import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

// Pictures in what people write, over real HTTP: the "Add image" button of a writing form
// (no JavaScript) stores the picture, puts its Markdown in the text and shows the form again;
// the picture is re-encoded without metadata, and a private community's pictures are seen by
// its members only.

/** Whether EXIF holds a GPS section (the GPS IFD pointer tag 0x8825, either byte order). */
function hasGps(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  return exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25]));
}

async function cameraPhoto(): Promise<Buffer> {
  return sharp({ create: { width: 2400, height: 1800, channels: 3, background: "#36c" } })
    .withExif({
      IFD0: { Make: "Phone" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "51/1 30/1 0/1",
        GPSLongitudeRef: "W",
        GPSLongitude: "0/1 7/1 0/1",
      },
    })
    .jpeg()
    .toBuffer();
}

describe("pictures in posts", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let carol: WebClient;
  let photo: Buffer;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  /** Presses "Add image" on the new-topic form of a community. */
  function addImage(web: WebClient, community: string, body: string, alt: string, bytes: Buffer) {
    return web.postMultipart(
      `/c/${community}/forum/new`,
      { title: "Gritting", body, image_alt: alt, image_into: "body", action: "add-image" },
      { image: { bytes, name: "photo.jpg", type: "image/jpeg" } },
    );
  }

  /** The address of the picture a form's text now shows. */
  function pictureIn(page: string): string {
    const match = /!\[[^\]]*\]\((http[^)]+\/media\/uploads\/[0-9a-f-]+\.webp)\)/.exec(page);
    expect(match, "the Markdown of the picture in the text box").not.toBeNull();
    return new URL(match![1]!).pathname;
  }

  beforeAll(async () => {
    copse = await startTestInstance("Images");
    const a = await copse.createUser("alice");
    const b: AccountWithActor = await copse.createUser("bob");
    await copse.createUser("carol");
    copse.createCommunity("garden", a, "public");
    const vault = copse.createCommunity("vault", a, "private");
    requestMembership(copse.db, { groupId: vault.actor.id, memberId: b.actor.id });
    decideMembership(copse.db, {
      groupId: vault.actor.id,
      memberId: b.actor.id,
      byActorId: a.actor.id,
      approve: true,
    });
    [alice, bob, carol] = (await Promise.all(["alice", "bob", "carol"].map(signedIn))) as [
      WebClient,
      WebClient,
      WebClient,
    ];
    photo = await cameraPhoto();
  });
  afterAll(() => copse?.close());

  it("adds a picture to the text without JavaScript, keeping what was typed", async () => {
    expect(hasGps((await sharp(photo).metadata()).exif)).toBe(true);
    const { response, body } = await addImage(
      alice,
      "garden",
      "Before the storm.",
      "A gritter",
      photo,
    );
    expect(response.status).toBe(200);
    expect(body).toContain('value="Gritting"');
    expect(body).toContain("Before the storm.\n\n![A gritter](");
    expect(body).toContain("The image was added to the end of your text");
    // The preview shows it, from this server.
    const path = pictureIn(body);
    expect(body).toContain(`<img src="${copse.origin}${path}" alt="A gritter"`);

    const served = await alice.get(path);
    expect(served.response.status).toBe(200);
    expect(served.response.headers.get("content-type")).toBe("image/webp");
    expect(served.response.headers.get("cache-control")).toContain("immutable");
    const bytes = Buffer.from(
      await (
        await fetch(`${copse.origin}${path}`, {
          headers: { cookie: `copse_session=${alice.cookie("copse_session")}` },
        })
      ).arrayBuffer(),
    );
    const stored = await sharp(bytes).metadata();
    expect(stored.format).toBe("webp");
    expect(Math.max(stored.width!, stored.height!)).toBe(1600);
    // No EXIF at all, so no GPS position.
    expect(stored.exif).toBeUndefined();
    expect(hasGps(stored.exif)).toBe(false);
  });

  it("refuses a file that is not a picture, and a picture without a description", async () => {
    const page = Buffer.from("<html><script>alert(1)</script></html>");
    const notPicture = await addImage(alice, "garden", "Text kept", "A page", page);
    expect(notPicture.body).toContain("The image must be a JPEG, PNG, GIF or WebP file");
    expect(notPicture.body).toContain("Text kept");
    expect(notPicture.body).not.toContain("/media/uploads/");
    const noAlt = await addImage(alice, "garden", "Text kept", "  ", photo);
    expect(noAlt.body).toContain("Describe the image for people who cannot see it");
    expect(noAlt.body).not.toContain("/media/uploads/");
    // A post whose picture has no description (as the script leaves it) is refused.
    const added = await addImage(alice, "garden", "", "Salt", photo);
    const url = `${copse.origin}${pictureIn(added.body)}`;
    const posted = await alice.post("/c/garden/forum/new", {
      title: "No alt",
      body: `Look ![Describe the image](${url})`,
    });
    expect(posted.response.status).toBe(422);
    expect(posted.body).toContain("Describe each image");
  });

  it("refuses a picture over 10 MB before reading it all", async () => {
    const huge = Buffer.alloc(11 * 1024 * 1024, 1);
    const { response, body } = await addImage(alice, "garden", "x", "Big", huge);
    expect(response.status).toBe(413);
    expect(body).toContain("The image is too large");
  });

  it("shows a private community's picture to its members only", async () => {
    const added = await addImage(bob, "vault", "Inside", "The vault door", photo);
    const path = pictureIn(added.body);
    // Before the post is saved, only the uploader sees it.
    expect((await bob.get(path)).response.status).toBe(200);
    expect((await alice.get(path)).response.status).toBe(404);
    const body = `Inside\n\n![The vault door](${copse.origin}${path})`;
    const posted = await bob.post("/c/vault/forum/new", { title: "Door", body });
    expect(posted.response.status).toBe(303);
    const member = await alice.get(path);
    expect(member.response.status).toBe(200);
    expect(member.response.headers.get("cache-control")).toMatch(/^private/);
    // A signed-in non-member and a stranger are told it does not exist.
    expect((await carol.get(path)).response.status).toBe(404);
    expect((await fetch(`${copse.origin}${path}`)).status).toBe(404);
    // Carol cannot make it public by putting its address in a public post of her own.
    const copied = await carol.post("/c/garden/join", {});
    expect(copied.response.status).toBe(303);
    await carol.post("/c/garden/forum/new", {
      title: "Copied",
      body: `![Door](${copse.origin}${path})`,
    });
    expect((await fetch(`${copse.origin}${path}`)).status).toBe(404);
  });

  it("shows a public post's picture to everyone, with a shared cache", async () => {
    const added = await addImage(alice, "garden", "Road", "A salted road", photo);
    const path = pictureIn(added.body);
    const posted = await alice.post("/c/garden/forum/new", {
      title: "Salted",
      body: `Road\n\n![A salted road](${copse.origin}${path})`,
    });
    const topic = posted.response.headers.get("location")!;
    const page = await (await fetch(`${copse.origin}${topic}`)).text();
    expect(page).toContain(`src="${copse.origin}${path}" alt="A salted road"`);
    const anonymous = await fetch(`${copse.origin}${path}`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("uploads a pasted picture for the script, answering JSON", async () => {
    const { response, body } = await alice.postMultipart(
      "/media/uploads",
      {},
      { image: { bytes: photo, name: "paste.png", type: "image/png" } },
    );
    expect(response.status).toBe(201);
    const answer = JSON.parse(body);
    expect(answer.url).toMatch(/^\/media\/uploads\/[0-9a-f-]{36}\.webp$/);
    const refused = await alice.postMultipart(
      "/media/uploads",
      {},
      { image: { bytes: Buffer.from("%PDF-1.4"), name: "x.pdf", type: "image/png" } },
    );
    expect(refused.response.status).toBe(422);
    expect(JSON.parse(refused.body).error).toContain("JPEG, PNG, GIF or WebP");
    // Without the form's CSRF token nothing is stored.
    const forged = await alice.postMultipart(
      "/media/uploads",
      {},
      { image: { bytes: photo, name: "x.jpg", type: "image/jpeg" } },
      { csrf: false },
    );
    expect(forged.response.status).toBe(403);
  });

  it("adds a picture to a blog comment the same way", async () => {
    const entry = await alice.post("/blog/new", {
      title: "Winter",
      summary: "",
      body: "Ready.",
      action: "publish",
    });
    const entryPath = entry.response.headers.get("location")!.split("#")[0]!;
    const added = await bob.postMultipart(
      `${entryPath}/comment`,
      {
        parent: entryPath.split("/").pop()!,
        body: "Ours:",
        image_alt: "Our depot",
        image_into: "body",
        action: "add-image",
      },
      { image: { bytes: photo, name: "depot.jpg", type: "image/jpeg" } },
    );
    expect(added.response.status).toBe(200);
    expect(added.body).toContain("The image was added to the end of your text");
    const path = pictureIn(added.body);
    const posted = await bob.post(`${entryPath}/comment`, {
      parent: entryPath.split("/").pop()!,
      body: `Ours:\n\n![Our depot](${copse.origin}${path})`,
    });
    expect(posted.response.status).toBe(303);
    expect((await fetch(`${copse.origin}${path}`)).status).toBe(200);
  });

  it("adds a picture to a wiki page and a blog entry, which link it when saved", async () => {
    const wiki = await alice.postMultipart(
      "/c/garden/wiki/new",
      {
        title: "Depots",
        body: "Our depots.",
        reason: "",
        image_alt: "Depot map",
        image_into: "body",
        action: "add-image",
      },
      { image: { bytes: photo, name: "map.jpg", type: "image/jpeg" } },
    );
    expect(wiki.response.status).toBe(200);
    expect(wiki.body).toContain('value="Depots"');
    expect(wiki.body).toContain("Our depots.\n\n![Depot map](");
    const wikiPicture = pictureIn(wiki.body);
    const saved = await alice.post("/c/garden/wiki/new", {
      title: "Depots",
      body: `Our depots.\n\n![Depot map](${copse.origin}${wikiPicture})`,
      reason: "",
    });
    expect(saved.response.status).toBe(303);
    expect((await fetch(`${copse.origin}${wikiPicture}`)).status).toBe(200);

    // A comment on the page takes a picture the same way, on a form of its own.
    const pagePath = saved.response.headers.get("location")!.split("#")[0]!;
    const comment = await alice.postMultipart(
      `${pagePath}/comment`,
      { body: "Add ours:", image_alt: "Our depot gate", image_into: "body", action: "add-image" },
      { image: { bytes: photo, name: "gate.jpg", type: "image/jpeg" } },
    );
    expect(comment.response.status).toBe(200);
    expect(comment.body).toContain("Add ours:\n\n![Our depot gate](");
    expect(comment.body).toContain('enctype="multipart/form-data"');

    const blog = await alice.postMultipart(
      "/blog/new",
      {
        title: "Spring",
        summary: "",
        body: "",
        image_alt: "Crocuses",
        image_into: "body",
        action: "add-image",
      },
      { image: { bytes: photo, name: "crocus.jpg", type: "image/jpeg" } },
    );
    expect(blog.response.status).toBe(200);
    expect(blog.body).toContain('value="Spring"');
    expect(blog.body).toContain("![Crocuses](");
  });
});
