import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { mediaOfItems, saveRemoteMedia } from "../../src/domain/item-media.ts";
import { insertItem } from "../../src/domain/items.ts";
import { freshDb } from "../helpers/db.ts";

// A remote post's link and pictures are saved with it and replaced by each edit; an edit that
// shares nothing any more takes both away (most posts share nothing, which is its own path).
describe("a remote post's link and pictures", () => {
  it("are kept, replaced, and forgotten when an edit shares nothing", async () => {
    const db = freshDb();
    const alice = await createAccount(db, "https://copse.test", {
      handle: "alice",
      email: "alice@e.org",
      password: "correct horse battery",
    });
    const garden = createCommunity(db, "https://copse.test", {
      handle: "garden",
      name: "Garden",
      description: "",
      visibility: "public",
      ownerActorId: alice.actor.id,
    });
    const item = insertItem(db, {
      kind: "topic",
      iri: "https://far.example/post/1",
      authorId: alice.actor.id,
      groupIds: [garden.actor.id],
      title: "Raised beds",
      bodyHtml: "<p>Wood or brick?</p>",
      visibility: "public",
      isLocal: false,
    });
    const other = insertItem(db, {
      kind: "topic",
      iri: "https://far.example/post/2",
      authorId: alice.actor.id,
      groupIds: [garden.actor.id],
      title: "Compost",
      bodyHtml: "<p>Hot or cold?</p>",
      visibility: "public",
      isLocal: false,
    });
    const shared = {
      link: { href: "https://beds.example/", title: "Beds" },
      images: [{ url: "https://far.example/bed.jpg", alt: "A bed" }],
    };
    expect(saveRemoteMedia(db, item.id, shared)).toBe(true);
    expect(saveRemoteMedia(db, other.id, shared)).toBe(true);
    const saved = mediaOfItems(db, [item.id]).get(item.id);
    expect(saved?.link).toEqual(shared.link);
    expect(saved?.images.map((i) => i.remoteUrl)).toEqual(["https://far.example/bed.jpg"]);

    expect(saveRemoteMedia(db, item.id, { link: null, images: [] })).toBe(false);
    expect(mediaOfItems(db, [item.id]).get(item.id)).toBeUndefined();
    // The other post's are untouched.
    expect(mediaOfItems(db, [other.id]).get(other.id)?.images).toHaveLength(1);
  });
});
