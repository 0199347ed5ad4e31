import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, findActorByIri } from "../../src/domain/actors.ts";
import {
  imageMarkdown,
  storeUploadedImage,
  uploadedImagePath,
} from "../../src/domain/images/uploads.ts";
import { mediaOfItems } from "../../src/domain/item-media.ts";
import { composeItem, findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { itemPagePath } from "../../src/domain/paths.ts";
import { createWikiPage } from "../../src/domain/wiki/wiki.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { decideRequest, joinCommunity } from "../../src/federation/membership.ts";
import { localItemObject, publishItemChange } from "../../src/federation/publish.ts";
import { localWikiArticle } from "../../src/federation/wiki.ts";
import { proxyPath } from "../../src/web/images/proxy.ts";
import { WebClient } from "../helpers/client.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

import { fileStoreFor } from "../../src/domain/storage/store.ts";
import {
  eventually,
  startTestInstance,
  TEST_PASSWORD,
  type TestInstance,
} from "../helpers/instances.ts";

// Pictures people put into posts, between two real instances over loopback (the test
// configuration lets the guarded fetcher reach loopback; production refuses it). Somerset's
// post carries the picture inline and, for Mastodon, as an Image attachment; Sunderland shows
// it once, through its own image proxy, so Bob's browser never asks Somerset. A private
// community's picture is not served to other servers, so Sunderland shows its alt text.
describe("pictures in posts between instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  const groupOn: Record<string, ActorRow> = {};
  let peer: FakePeer | undefined;

  async function postWithPicture(
    group: ActorRow,
    alt: string,
  ): Promise<{ item: ItemRow; url: string }> {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#c60" } })
      .png()
      .toBuffer();
    const image = await storeUploadedImage(
      somerset.db,
      fileStoreFor(somerset.config.files),
      alice.actor.id,
      png,
    );
    const url = somerset.origin + uploadedImagePath(image);
    const item = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [group],
      title: `Picture: ${alt}`,
      body: `Look:\n\n${imageMarkdown(alt, url)}`,
    });
    await publishItemChange(somerset.ctx(), item, "create");
    return { item, url };
  }

  beforeAll(async () => {
    [somerset, sunderland] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
    ]);
    alice = await somerset.createUser("alice");
    bob = await sunderland.createUser("bob");
    const garden = somerset.createCommunity("garden", alice, "public");
    const secret = somerset.createCommunity("secret", alice, "private");
    groupOn.garden = garden.actor;
    groupOn.secret = secret.actor;
    for (const handle of ["garden", "secret"]) {
      const group = await resolveActor(sunderland.ctx(), `@${handle}@${somerset.host}`);
      await joinCommunity(sunderland.ctx(), bob.actor, group);
      groupOn[`remote-${handle}`] = group;
    }
    const remoteBob = await eventually(() => findActorByIri(somerset.db, bob.actor.iri));
    await eventually(
      () => findMembership(somerset.db, secret.actor.id, remoteBob.id)?.state === "pending",
    );
    await decideRequest(somerset.ctx(), {
      group: secret.actor,
      member: remoteBob,
      byActorId: alice.actor.id,
      approve: true,
    });
    await eventually(
      () =>
        findMembership(sunderland.db, groupOn["remote-secret"]!.id, bob.actor.id)?.state ===
        "active",
    );
  });
  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close(), peer?.close()]);
  });

  it("sends a public post's picture inline and as an Image attachment with its alt text", async () => {
    const { item, url } = await postWithPicture(groupOn.garden!, "A rusty gate");
    const response = await fetch(item.iri, { headers: { Accept: "application/activity+json" } });
    const object = await response.json();
    expect(object.content).toContain(`<img src="${url}" alt="A rusty gate"`);
    expect(object.attachment).toEqual([
      expect.objectContaining({
        type: "Image",
        mediaType: "image/webp",
        url,
        name: "A rusty gate",
      }),
    ]);

    // Sunderland shows it once, inline, through its own proxy.
    const copy = await eventually(() => findItemByIri(sunderland.db, item.iri));
    expect(mediaOfItems(sunderland.db, [copy.id]).get(copy.id)?.images ?? []).toEqual([]);
    const reader = new WebClient(sunderland.origin);
    expect(
      (await reader.post("/signin", { login: "bob", password: TEST_PASSWORD })).response.status,
    ).toBe(303);
    const page = await reader.get(itemPagePath(copy, groupOn["remote-garden"]!));
    expect(page.response.status).toBe(200);
    const proxied = proxyPath(sunderland.db, url).replace(/&/g, "&amp;");
    expect(page.body).toContain(`src="${proxied}"`);
    expect(page.body).toContain('alt="A rusty gate"');
    expect(page.body).not.toContain(`src="${url}"`);
    const picture = await fetch(sunderland.origin + proxyPath(sunderland.db, url));
    expect(picture.status).toBe(200);
    expect(picture.headers.get("content-type")).toBe("image/webp");
  });

  it("sends a public wiki page's pictures as attachments too", async () => {
    const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: "#246" } })
      .png()
      .toBuffer();
    const image = await storeUploadedImage(
      somerset.db,
      fileStoreFor(somerset.config.files),
      alice.actor.id,
      png,
    );
    const url = somerset.origin + uploadedImagePath(image);
    const { page } = createWikiPage(somerset.db, somerset.origin, {
      author: alice.actor,
      group: groupOn.garden!,
      title: "Depots",
      body: imageMarkdown("Depot map", url),
    });
    const article = (await localWikiArticle(somerset.ctx(), page)!.toJsonLd()) as {
      attachment?: unknown;
    };
    // Compacted here; served documents and sent activities make every list an array.
    expect([article.attachment].flat()).toEqual([
      expect.objectContaining({ type: "Image", url, name: "Depot map" }),
    ]);
  });

  it("keeps a private community's picture on its own server", async () => {
    const { item, url } = await postWithPicture(groupOn.secret!, "The strongroom");
    const copy = await eventually(() => findItemByIri(sunderland.db, item.iri));
    expect(copy.bodyHtml).toContain("The strongroom");
    // Somerset serves the picture to its members only: not to Sunderland's anonymous fetch.
    expect((await fetch(url)).status).toBe(404);
    const proxied = await fetch(sunderland.origin + proxyPath(sunderland.db, url));
    expect(proxied.status).toBe(404);
    // So Bob's page shows the alt text, linked, in place of the picture.
    const reader = new WebClient(sunderland.origin);
    await reader.post("/signin", { login: "bob", password: TEST_PASSWORD });
    const page = await reader.get(itemPagePath(copy, groupOn["remote-secret"]!));
    expect(page.body).toContain("Picture: The strongroom");
    // And a members-only object carries no attachment for other software to try.
    const object = (await localItemObject(somerset.ctx(), item).toJsonLd()) as {
      attachment?: unknown;
    };
    expect(object.attachment ?? []).toEqual([]);
  });

  it("proxies a picture a foreign server's post shows inline, and never links the page to it", async () => {
    peer = await startFakePeer();
    const cat = await sharp({ create: { width: 90, height: 60, channels: 3, background: "#888" } })
      .jpeg()
      .toBuffer();
    peer.answer("/pictrs/cat.jpg", 200, cat, "image/jpeg");
    const picard = await peer.addActor({
      path: "/u/picard",
      type: "Person",
      preferredUsername: "picard",
    });
    const garden = groupOn.garden!;
    await peer.deliver(
      garden.inboxUrl!,
      {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: peer.url("/activities/follow/1"),
        type: "Follow",
        actor: picard.id,
        object: garden.iri,
      },
      { as: picard.path },
    );
    await eventually(() => peer!.activities("Accept").length > 0);
    const picture = peer.url("/pictrs/cat.jpg");
    const page = {
      id: peer.url("/post/1"),
      type: "Page",
      attributedTo: picard.id,
      to: [PUBLIC, garden.iri],
      cc: [],
      audience: garden.iri,
      name: "Our cat",
      mediaType: "text/html",
      content: `<p>Meet her <img src="${picture}" alt="A grey cat"></p>`,
      published: new Date().toISOString(),
    };
    const delivered = await peer.deliver(
      garden.inboxUrl!,
      {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: peer.url("/activities/create/1"),
        type: "Create",
        actor: picard.id,
        to: page.to,
        cc: [],
        object: page,
      },
      { as: picard.path },
    );
    expect(delivered.status).toBe(202);
    const item = await eventually(() => findItemByIri(somerset.db, page.id));
    const html = await (await fetch(`${somerset.origin}/c/garden/forum/${item.id}`)).text();
    const proxied = proxyPath(somerset.db, picture);
    expect(html).toContain(`src="${proxied.replace(/&/g, "&amp;")}"`);
    expect(html).not.toContain(`src="${picture}"`);
    const served = await fetch(somerset.origin + proxied);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/webp");
  });
});
