import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { Community } from "../../src/domain/communities.ts";
import { createDocument, getDocument } from "../../src/domain/documents.ts";
import { storeUpload } from "../../src/domain/files.ts";
import { findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { ratingSummary } from "../../src/domain/ratings.ts";
import { fileStoreFor } from "../../src/domain/storage/store.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { pngSample, utf8 } from "../helpers/samples.ts";

const AS = "https://www.w3.org/ns/activitystreams";
const AS_PUBLIC = `${AS}#Public`;

// A Mastodon-shaped peer and the document library: Mastodon shows a document as an Article
// with an attachment, favourites it (Like) and takes the favourite back (Undo{Like}), and
// posts photos as Notes with Document attachments, which must not become library entries.
describe("documents and a Mastodon user", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let mona: FakeActor;
  let nora: FakeActor;
  let alice: AccountWithActor;
  let garden: Community;
  let vault: Community;
  let counter = 0;

  async function addDocument(community: Community, title: string, bytes: Uint8Array) {
    async function* chunks() {
      yield bytes;
    }
    const file = await storeUpload(
      fileStoreFor(copse.config.files),
      chunks(),
      copse.config.maxUploadBytes,
    );
    const { item } = createDocument(copse.db, copse.origin, {
      author: alice.actor,
      group: community.actor,
      title,
      description: `About ${title}.`,
      fileName: `${title}.bin`,
      file,
    });
    await publishItemChange(copse.ctx(), item, "create");
    return item;
  }

  function like(author: FakeActor, item: ItemRow) {
    // Mastodon's Like ids carry a fragment; Copse must cope.
    return {
      "@context": AS,
      id: `${author.id}#likes/${++counter}`,
      type: "Like",
      actor: author.id,
      object: item.iri,
    };
  }

  /** A public Mastodon status mentioning the group with one attachment, in a Create. */
  function statusWithAttachment(author: FakeActor, attachment: Record<string, unknown>) {
    const id = `${author.id}/statuses/${++counter}`;
    const note = {
      id,
      type: "Note",
      attributedTo: author.id,
      content: `<p>@garden Shared file ${counter}</p>`,
      published: new Date().toISOString(),
      to: [AS_PUBLIC],
      cc: [`${author.id}/followers`, garden.actor.iri],
      tag: [{ type: "Mention", href: garden.actor.iri, name: `@garden@${copse.host}` }],
      attachment: [attachment],
    };
    peer.serve(new URL(id).pathname, { "@context": AS, ...note });
    return {
      "@context": AS,
      id: `${id}/activity`,
      type: "Create",
      actor: author.id,
      to: note.to,
      cc: note.cc,
      object: note,
    };
  }

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Somerset"), startFakePeer()]);
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    vault = copse.createCommunity("vault", alice, "private");
    mona = await peer.addActor({ path: "/users/mona", type: "Person", preferredUsername: "mona" });
    nora = await peer.addActor({ path: "/users/nora", type: "Person", preferredUsername: "nora" });
    const follow = {
      "@context": AS,
      id: peer.url("/follows/1"),
      type: "Follow",
      actor: mona.id,
      object: garden.actor.iri,
    };
    expect((await peer.deliver(garden.actor.inboxUrl!, follow, { as: mona.path })).status).toBe(
      202,
    );
    await eventually(() => peer.activities("Accept").length > 0);
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  it("boosts a document as an Article with the file attached", async () => {
    const item = await addDocument(garden, "Site map", pngSample());
    const announce = await eventually(() =>
      peer.activities("Announce").find((a) => (a.body.object?.id ?? a.body.object) === item.iri),
    );
    const article = announce.body.object;
    expect(article.type).toBe("Article");
    expect(article.name).toBe("Site map");
    const attachment = Array.isArray(article.attachment)
      ? article.attachment[0]
      : article.attachment;
    const download = `${copse.origin}/c/garden/documents/${item.id}/download`;
    expect(attachment).toMatchObject({ type: "Document", mediaType: "image/png", url: download });
    expect(article.content).toContain(`<a href="${download}">Download Site map.bin</a>`);
    const file = await fetch(download);
    expect(file.headers.get("content-type")).toBe("image/png");
  });

  it("counts a favourite as a like, and forgets it when taken back", async () => {
    const item = await addDocument(garden, "Budget", utf8("Budget lines.\n"));
    const favourite = like(mona, item);
    expect(
      (await peer.deliver(`${copse.origin}/ap/inbox`, favourite, { as: mona.path })).status,
    ).toBe(202);
    await eventually(() => ratingSummary(copse.db, item.id).likes === 1);
    expect(ratingSummary(copse.db, item.id)).toMatchObject({ average: null, count: 0 });
    const undo = {
      "@context": AS,
      id: `${favourite.id}/undo`,
      type: "Undo",
      actor: mona.id,
      object: favourite,
    };
    expect((await peer.deliver(`${copse.origin}/ap/inbox`, undo, { as: mona.path })).status).toBe(
      202,
    );
    await eventually(() => ratingSummary(copse.db, item.id).likes === 0);
  });

  it("ignores Likes of members-only documents from outsiders", async () => {
    const item = await addDocument(vault, "Restructure", utf8("Confidential.\n"));
    await peer.deliver(`${copse.origin}/ap/inbox`, like(nora, item), { as: nora.path });
    // A public document liked afterwards shows the queue has moved past Nora's Like.
    const open = await addDocument(garden, "Open data", utf8("Open.\n"));
    await peer.deliver(`${copse.origin}/ap/inbox`, like(nora, open), { as: nora.path });
    await eventually(() => ratingSummary(copse.db, open.id).likes === 1);
    expect(ratingSummary(copse.db, item.id).likes).toBe(0);
  });

  it("files a shared PDF in the library but keeps photo posts as topics", async () => {
    const pdfUrl = peer.url("/files/plan.pdf");
    const pdf = statusWithAttachment(mona, {
      type: "Document",
      mediaType: "application/pdf",
      url: pdfUrl,
      name: "Local plan.pdf",
    });
    expect((await peer.deliver(`${copse.origin}/ap/inbox`, pdf, { as: mona.path })).status).toBe(
      202,
    );
    const document = await eventually(() => findItemByIri(copse.db, pdf.object.id));
    expect(document.kind).toBe("document");
    expect(getDocument(copse.db, document.id)).toMatchObject({
      fileName: "Local plan.pdf",
      mediaType: "application/pdf",
      remoteUrl: pdfUrl,
      storagePath: null,
    });
    const redirect = await fetch(`${copse.origin}/c/garden/documents/${document.id}/download`, {
      redirect: "manual",
    });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get("location")).toBe(pdfUrl);

    const photo = statusWithAttachment(mona, {
      type: "Document",
      mediaType: "image/jpeg",
      url: peer.url("/media/photo.jpg"),
      name: "A pothole",
    });
    expect((await peer.deliver(`${copse.origin}/ap/inbox`, photo, { as: mona.path })).status).toBe(
      202,
    );
    const topic = await eventually(() => findItemByIri(copse.db, photo.object.id));
    expect(topic.kind).toBe("topic");
    expect(getDocument(copse.db, topic.id)).toBeUndefined();
  });

  it("counts stars sent as a rating Note, refuses bad ones, and serves the average", async () => {
    const item = await addDocument(garden, "Tree survey", utf8("Oak, ash, beech.\n"));
    const rating = (stars: string, n: number) => {
      const id = `${mona.id}/ratings/${n}`;
      return {
        "@context": AS,
        id: `${id}/activity`,
        type: "Create",
        actor: mona.id,
        to: [alice.actor.iri],
        object: { id, type: "Note", attributedTo: mona.id, name: stars, inReplyTo: item.iri },
      };
    };
    for (const [stars, n] of [
      ["9", 1],
      ["four", 2],
    ] as const) {
      const bad = rating(stars, n);
      expect((await peer.deliver(alice.actor.inboxUrl!, bad, { as: mona.path })).status).toBe(202);
    }
    // Neither counted nor stored as a comment.
    const good = rating("4", 3);
    expect((await peer.deliver(alice.actor.inboxUrl!, good, { as: mona.path })).status).toBe(202);
    await eventually(() => ratingSummary(copse.db, item.id).count === 1);
    expect(ratingSummary(copse.db, item.id)).toMatchObject({ average: 4, count: 1 });
    for (const n of [1, 2, 3]) {
      expect(findItemByIri(copse.db, `${mona.id}/ratings/${n}`)).toBeUndefined();
    }
    const served = await (
      await fetch(item.iri, { headers: { accept: "application/activity+json" } })
    ).json();
    expect(served.aggregateRating).toMatchObject({
      type: "AggregateRating",
      ratingValue: 4,
      ratingCount: 1,
    });
    // The community tells its followers: an announced Update of the document.
    await eventually(() =>
      peer
        .activities("Announce")
        .some((a) => a.body.object?.type === "Update" && a.body.object?.object?.id === item.iri),
    );
  });
});
