import { existsSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLocalActor } from "../../src/domain/actors.ts";
import { getPersonProfile, listPersonTags } from "../../src/domain/person-details.ts";
import { photoKey } from "../../src/domain/photos.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { pngSample } from "../helpers/samples.ts";

describe("profile editing with a photo, and contacts", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  /** Posts the profile form as a browser does: multipart, with the photo as a file. */
  async function postProfile(
    web: WebClient,
    fields: Record<string, string | string[]>,
    photo?: { bytes: Uint8Array<ArrayBuffer>; name: string; type: string },
  ): Promise<{ response: Response; body: string }> {
    const form = new FormData();
    form.set("_csrf", web.cookie("copse_csrf") ?? "");
    for (const [key, value] of Object.entries(fields)) {
      for (const v of ([] as string[]).concat(value)) form.append(key, v);
    }
    if (photo) form.set("photo", new Blob([photo.bytes], { type: photo.type }), photo.name);
    const cookie = ["copse_session", "copse_csrf"]
      .map((name) => `${name}=${web.cookie(name)}`)
      .join("; ");
    const response = await fetch(new URL("/profile/edit", copse.origin), {
      method: "POST",
      headers: { cookie },
      body: form,
      redirect: "manual",
    });
    return { response, body: await response.text() };
  }

  const baseFields = {
    name: "Alice Archer",
    jobTitle: "Planning officer",
    organisation: "Somerset Council",
    location: "Taunton",
    bio: "I like <script>alert('bio')</script> and <b>bold</b> claims.",
    email: "alice@somerset.example",
    emailVisibility: "contacts",
    phone: "01632 960 001",
    phoneVisibility: "members",
    website: "https://alice.example/",
    websiteVisibility: "public",
    expertise: "Flood risk, Section 106",
    interests: "cycling",
    serviceAreas: ["planning", "highways"],
  };

  beforeAll(async () => {
    copse = await startTestInstance("Profile");
    await copse.createUser("alice");
    await copse.createUser("bob");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    await alice.get("/profile/edit");
  });
  afterAll(() => copse?.close());

  it("resizes the photo to three WebP squares without EXIF and serves them with a long cache", async () => {
    const jpeg = await sharp({
      create: { width: 900, height: 600, channels: 3, background: { r: 200, g: 80, b: 40 } },
    })
      .jpeg()
      .withMetadata({ exif: { IFD0: { Copyright: "Secret Location Ltd", Artist: "Alice" } } })
      .toBuffer();
    // The test photo really carries EXIF, so its absence afterwards means something.
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const saved = await postProfile(alice, baseFields, {
      bytes: new Uint8Array(jpeg),
      name: "me.jpg",
      type: "image/jpeg",
    });
    expect(saved.response.status).toBe(303);
    expect(saved.response.headers.get("location")).toBe("/people/alice");

    for (const size of [48, 128, 400] as const) {
      const file = join(copse.config.dataDir, photoKey("alice", size));
      expect(existsSync(file)).toBe(true);
      const meta = await sharp(file).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["webp", size, size]);
      expect(meta.exif).toBeUndefined();
    }
    const served = await fetch(new URL("/media/people/alice/400.webp", copse.origin));
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/webp");
    expect(served.headers.get("cache-control")).toContain("max-age=31536000");
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(bytes.includes(Buffer.from("Secret Location"))).toBe(false);
    expect((await fetch(new URL("/media/people/alice/999.webp", copse.origin))).status).toBe(404);

    // The Person document names the 400 px photo as its icon.
    const actor = await fetch(new URL("/ap/actors/alice", copse.origin), {
      headers: { accept: "application/activity+json" },
    });
    const icon = (await actor.json()).icon as { url: string; mediaType: string };
    expect(icon.mediaType).toBe("image/webp");
    expect(new URL(icon.url).pathname).toBe("/media/people/alice/400.webp");

    const alicePerson = findLocalActor(copse.db, "alice")!;
    expect(getPersonProfile(copse.db, alicePerson.id).serviceAreas).toBe("planning,highways");
    expect(listPersonTags(copse.db, alicePerson.id, "expertise")).toEqual([
      "flood risk",
      "section 106",
    ]);
  });

  it("refuses a file that is not an image with a clear 422, keeping what was typed", async () => {
    const before = getPersonProfile(copse.db, findLocalActor(copse.db, "alice")!.id);
    const refused = await postProfile(
      alice,
      { ...baseFields, jobTitle: "Changed title" },
      {
        bytes: new TextEncoder().encode("<html>not a picture</html>"),
        name: "me.jpg",
        type: "image/jpeg",
      },
    );
    expect(refused.response.status).toBe(422);
    expect(refused.body).toContain("The photo must be a JPEG, PNG, GIF or WebP image");
    expect(refused.body).toContain('href="#photo"');
    expect(refused.body).toContain('value="Changed title"');
    // Nothing was saved: the old title and photo stay.
    expect(findLocalActor(copse.db, "alice")!.jobTitle).toBe("Planning officer");
    expect(getPersonProfile(copse.db, before.actorId).photoUpdatedAt).toEqual(
      before.photoUpdatedAt,
    );
  });

  it("refuses an oversized upload with a clear error", async () => {
    const big = new Uint8Array(6 * 1024 * 1024);
    big.set(pngSample());
    const refused = await postProfile(alice, baseFields, {
      bytes: big,
      name: "huge.png",
      type: "image/png",
    });
    expect(refused.response.status).toBe(413);
    expect(refused.body).toContain("The photo must be smaller than 5 MB");
    // Just over the limit, but inside the form's allowance: the form shows the error inline.
    const slightly = new Uint8Array(5 * 1024 * 1024 + 10);
    slightly.set(pngSample());
    const inline = await postProfile(alice, baseFields, {
      bytes: slightly,
      name: "big.png",
      type: "image/png",
    });
    expect(inline.response.status).toBe(422);
    expect(inline.body).toContain("The photo must be smaller than 5 MB");
  });

  it("escapes a hostile bio and shows contact details only to those allowed", async () => {
    const saved = await postProfile(alice, baseFields);
    expect(saved.response.status).toBe(303);
    const anonymous = await new WebClient(copse.origin).get("/people/alice");
    expect(anonymous.body).not.toContain("<script>alert('bio')</script>");
    expect(anonymous.body).toContain("&lt;script&gt;");
    expect(anonymous.body).toContain("https://alice.example/");
    expect(anonymous.body).not.toContain("alice@somerset.example");
    expect(anonymous.body).not.toContain("01632 960 001");
    expect(anonymous.body).toContain("flood risk");
    expect(anonymous.body).toContain("Highways");

    // Bob adds Alice as a contact; that alone does not show him her contacts-only email.
    const added = await bob.post("/people/alice/contact", {});
    expect(added.response.status).toBe(303);
    expect((await bob.get("/people/alice")).body).not.toContain("alice@somerset.example");
    // Once Alice adds Bob (and he accepts automatically), he is one of her contacts.
    expect((await alice.post("/people/bob/contact", {})).response.status).toBe(303);
    const asContact = await bob.get("/people/alice");
    expect(asContact.body).toContain("alice@somerset.example");
    expect(asContact.body).toContain("01632 960 001");

    const contacts = await alice.get("/contacts");
    expect(contacts.response.status).toBe(200);
    expect(contacts.body).toContain("/people/bob");
  });

  it("lets people approve contact requests, and only the one asked may answer", async () => {
    await copse.createUser("carol");
    const carol = await signedIn("carol");
    await carol.get("/profile/edit");
    const saved = await postProfile(carol, {
      name: "Carol",
      emailVisibility: "contacts",
      phoneVisibility: "contacts",
      websiteVisibility: "public",
      approveContacts: "yes",
    });
    expect(saved.response.status).toBe(303);
    await bob.post("/people/carol/contact", {});
    const page = await carol.get("/contacts");
    const id = /\/contacts\/(\d+)\/accept/.exec(page.body)?.[1];
    expect(id).toBeDefined();
    expect((await bob.get("/contacts")).body).toContain("Waiting for an answer");
    // Bob cannot accept his own request.
    expect((await bob.post(`/contacts/${id}/accept`, {})).response.status).toBe(403);
    expect((await carol.post(`/contacts/${id}/accept`, {})).response.status).toBe(303);
    expect((await bob.get("/contacts")).body).not.toContain("Waiting for an answer");
    const unknown = await bob.post("/contacts", { handle: "@nobody@127.0.0.1:1" });
    expect(unknown.response.status).toBe(422);
    expect(unknown.body).toContain("govuk-error-summary");
  });
});
