import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Community } from "../../src/domain/communities.ts";
import { mediaOfItems } from "../../src/domain/item-media.ts";
import { findItemByIri, type ItemRow, tombstoneItem } from "../../src/domain/items.ts";
import { type FakeActor, type FakePeer, rewrite, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { LEMMY_CONTEXT, PUBLIC } from "./fixtures-sweep/documents.ts";
import { fixture, haveFixtures } from "./fixtures-sweep/fixtures.ts";

// A Lemmy-shaped server posts link and image posts (Lemmy's own page_image_and_link.json) into
// a Copse community. Copse keeps the link, copies the picture through the guarded fetcher in a
// background task, strips its metadata and serves it from itself; a picture that cannot be
// had stays a plain link.

if (!haveFixtures) {
  console.warn("Skipping the image post tests: ../shared/fixtures/fediverse is absent (CI only)");
}

// biome-ignore lint/suspicious/noExplicitAny: activities are arbitrary JSON-LD.
type Json = any;

describe.skipIf(!haveFixtures)("Lemmy link and image posts", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let picard: FakeActor;
  let garden: Community;
  let photo: Buffer;

  /** Lemmy's image-and-link post, sent by the peer's person as a Create to the community. */
  async function post(n: number, picturePath: string, alt: string): Promise<ItemRow> {
    const page: Json = rewrite(fixture("lemmy/objects/page_image_and_link.json"), {
      "https://enterprise.lemmy.ml/post/55999": peer.url(`/post/${n}`),
      "https://enterprise.lemmy.ml/u/picard": picard.id,
      "https://enterprise.lemmy.ml/c/tenforward": garden.actor.iri,
      "https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png": peer.url(picturePath),
      "https://enterprise.lemmy.ml": peer.origin,
    });
    page.attachment[0].name = alt;
    const create = {
      "@context": LEMMY_CONTEXT,
      id: peer.url(`/activities/create/${n}`),
      type: "Create",
      actor: picard.id,
      to: [PUBLIC, garden.actor.iri],
      cc: [],
      object: page,
    };
    const response = await peer.deliver(garden.actor.inboxUrl!, create, { as: picard.path });
    expect(response.status).toBe(202);
    return eventually(() => findItemByIri(copse.db, page.id));
  }

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Pictures"), startFakePeer()]);
    const alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    picard = await peer.addActor({
      path: "/u/picard",
      type: "Person",
      preferredUsername: "picard",
    });
    const follow = {
      "@context": LEMMY_CONTEXT,
      id: peer.url("/activities/follow/1"),
      type: "Follow",
      actor: picard.id,
      object: garden.actor.iri,
    };
    await peer.deliver(garden.actor.inboxUrl!, follow, { as: picard.path });
    await eventually(() => peer.activities("Accept").length > 0);
    // A camera picture with a location in its EXIF, which must not travel on.
    photo = await sharp({
      create: { width: 1600, height: 1200, channels: 3, background: "#c03" },
    })
      .withMetadata({ exif: { IFD0: { Copyright: "GPS 51.5N 0.1W" } } })
      .jpeg()
      .toBuffer();
    peer.answer("/pictrs/image/photo.jpg", 200, photo, "image/jpeg");
    peer.answer("/pictrs/image/missing.png", 404, "Not found");
    peer.answer("/pictrs/image/page.png", 200, "<html>not a picture</html>", "image/png");
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  it("keeps the link and serves a copy of the picture from Copse, resized and without EXIF", async () => {
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const item = await post(1, "/pictrs/image/photo.jpg", "A red square");
    const media = await eventually(() => {
      const m = mediaOfItems(copse.db, [item.id]).get(item.id);
      return m?.images[0]?.state === "stored" ? m : null;
    });
    expect(media.link).toEqual({ href: "https://example.com/some-article", title: "" });
    expect(media.images).toHaveLength(1);
    const image = media.images[0]!;
    expect(image.alt).toBe("A red square");
    const served = await fetch(`${copse.origin}/media/images/${image.id}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/webp");
    const copy = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(copy.format).toBe("webp");
    expect(copy.exif).toBeUndefined();
    expect(Math.max(copy.width!, copy.height!)).toBe(1280);

    const page = await (await fetch(`${copse.origin}/c/garden/forum/${item.id}`)).text();
    expect(page).toContain(`src="/media/images/${image.id}"`);
    expect(page).toContain('alt="A red square"');
    expect(page).toMatch(/Link: <\/span><a [^>]*href="https:\/\/example.com\/some-article"/);
    // The reader's browser is never sent to the picture's own server.
    expect(page).not.toContain(peer.url("/pictrs/image/photo.jpg"));
    // Once the post is deleted, its picture is gone from here too.
    tombstoneItem(copse.db, item);
    expect((await fetch(`${copse.origin}/media/images/${image.id}`)).status).toBe(404);
  });

  it("shows a plain link to a picture that cannot be fetched, or is not a picture", async () => {
    const missing = await post(2, "/pictrs/image/missing.png", "A lost picture");
    const notPicture = await post(3, "/pictrs/image/page.png", "");
    for (const item of [missing, notPicture]) {
      await eventually(
        () => mediaOfItems(copse.db, [item.id]).get(item.id)?.images[0]?.state === "failed",
      );
    }
    const page = await (await fetch(`${copse.origin}/c/garden/forum/${missing.id}`)).text();
    expect(page).toContain(`href="${peer.url("/pictrs/image/missing.png")}"`);
    expect(page).toContain("A lost picture");
    expect(page).not.toContain("<img");
    const other = mediaOfItems(copse.db, [notPicture.id]).get(notPicture.id)!.images[0]!;
    expect(other.lastError).toMatch(/not a picture/);
    expect((await fetch(`${copse.origin}/media/images/${other.id}`)).status).toBe(404);
  });
});
