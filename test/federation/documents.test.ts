import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, findActorByIri } from "../../src/domain/actors.ts";
import { getDocument } from "../../src/domain/documents.ts";
import { findItemByIri, getItem, threadItems } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { communityPagePath } from "../../src/domain/paths.ts";
import { ratingSummary } from "../../src/domain/ratings.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { decideRequest, joinCommunity } from "../../src/federation/membership.ts";
import { WebClient } from "../helpers/client.ts";
import {
  eventually,
  startTestInstance,
  TEST_PASSWORD,
  type TestInstance,
} from "../helpers/instances.ts";
import { docxSample, utf8 } from "../helpers/samples.ts";

// Somerset hosts the communities; Bob on Sunderland and Carol on Cardiff are members. A file
// stays on the server it was uploaded to; the others keep its details and link to it there.
describe("the document library across three instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let cardiff: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let carol: AccountWithActor;
  const groupOn = {} as Record<"somerset" | "sunderland" | "cardiff", Record<string, ActorRow>>;

  async function signedIn(instance: TestInstance, handle: string): Promise<WebClient> {
    const web = new WebClient(instance.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  /** Uploads through the web form, as a browser does; returns the document's page path. */
  async function upload(
    web: WebClient,
    libraryPath: string,
    title: string,
    file: { bytes: Uint8Array<ArrayBuffer>; name: string },
  ): Promise<string> {
    await web.get("/");
    const form = new FormData();
    form.set("_csrf", web.cookie("copse_csrf") ?? "");
    form.set("title", title);
    form.set("description", `About ${title}.`);
    form.set("file", new Blob([file.bytes]), file.name);
    const response = await fetch(new URL(`${libraryPath}/new`, web.origin), {
      method: "POST",
      body: form,
      headers: {
        cookie: `copse_session=${web.cookie("copse_session")}; copse_csrf=${web.cookie("copse_csrf")}`,
      },
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    return response.headers.get("location")!;
  }

  function libraryOn(group: ActorRow): string {
    return `${communityPagePath(group.handle, group.isLocal ? undefined : group.host)}/documents`;
  }

  async function joinFrom(instance: TestInstance, who: AccountWithActor, handle: string) {
    const group = await resolveActor(instance.ctx(), `@${handle}@${somerset.host}`);
    await joinCommunity(instance.ctx(), who.actor, group);
    return group;
  }

  beforeAll(async () => {
    [somerset, sunderland, cardiff] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
      startTestInstance("Cardiff"),
    ]);
    alice = await somerset.createUser("alice");
    bob = await sunderland.createUser("bob");
    carol = await cardiff.createUser("carol");
    const garden = somerset.createCommunity("garden", alice, "public");
    const secret = somerset.createCommunity("secret", alice, "private");
    groupOn.somerset = { garden: garden.actor, secret: secret.actor };
    groupOn.sunderland = {
      garden: await joinFrom(sunderland, bob, "garden"),
      secret: await joinFrom(sunderland, bob, "secret"),
    };
    groupOn.cardiff = { garden: await joinFrom(cardiff, carol, "garden") };
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
        findMembership(sunderland.db, groupOn.sunderland.garden!.id, bob.actor.id)?.state ===
          "active" &&
        findMembership(sunderland.db, groupOn.sunderland.secret!.id, bob.actor.id)?.state ===
          "active" &&
        findMembership(cardiff.db, groupOn.cardiff.garden!.id, carol.actor.id)?.state === "active",
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close(), cardiff?.close()]);
  });

  it("shows a document uploaded on the community's server everywhere, with one star average", async () => {
    const aliceWeb = await signedIn(somerset, "alice");
    const page = await upload(aliceWeb, libraryOn(groupOn.somerset.garden!), "Gritting plan", {
      bytes: docxSample(),
      name: "gritting.docx",
    });
    const local = getItem(somerset.db, Number(page.split("/").pop()))!;
    const downloadUrl = `${somerset.origin}${page}/download`;

    for (const instance of [sunderland, cardiff]) {
      const copy = await eventually(() => findItemByIri(instance.db, local.iri));
      expect(copy).toMatchObject({ kind: "document", title: "Gritting plan", isLocal: false });
      expect(copy.bodyHtml).toContain("About Gritting plan.");
      expect(getDocument(instance.db, copy.id)).toMatchObject({
        fileName: "gritting.docx",
        mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        remoteUrl: downloadUrl,
        storagePath: null,
      });
    }

    // Bob's download link on Sunderland sends him to the file on Somerset.
    const bobWeb = await signedIn(sunderland, "bob");
    const onSunderland = findItemByIri(sunderland.db, local.iri)!;
    const bobsPage = `${libraryOn(groupOn.sunderland.garden!)}/${onSunderland.id}`;
    const shown = await bobWeb.get(bobsPage);
    expect(shown.response.status).toBe(200);
    expect(shown.body).toContain("gritting.docx");
    const redirect = await bobWeb.get(`${bobsPage}/download`);
    expect(redirect.response.status).toBe(303);
    expect(redirect.response.headers.get("location")).toBe(downloadUrl);
    const file = await fetch(downloadUrl);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(docxSample());

    // Bob rates it on Sunderland: his stars go to the document's home, Somerset, which
    // publishes the average; his Like (for Lemmy and Mastodon) changes nothing there.
    expect((await bobWeb.post(`${bobsPage}/rate`, { stars: "4" })).response.status).toBe(303);
    await eventually(() => ratingSummary(somerset.db, local.id).count === 1);
    expect(ratingSummary(somerset.db, local.id)).toMatchObject({ average: 4, likes: 0 });
    // He changes his stars, and Alice rates it at home: every server shows 3.5 from two.
    await bobWeb.post(`${bobsPage}/rate`, { stars: "5" });
    await eventually(() => ratingSummary(somerset.db, local.id).average === 5);
    expect((await aliceWeb.post(`${page}/rate`, { stars: "2" })).response.status).toBe(303);
    expect(ratingSummary(somerset.db, local.id)).toMatchObject({ average: 3.5, count: 2 });
    for (const instance of [sunderland, cardiff]) {
      const copy = findItemByIri(instance.db, local.iri)!;
      await eventually(() => ratingSummary(instance.db, copy.id).count === 2);
      expect(ratingSummary(instance.db, copy.id)).toMatchObject({ average: 3.5, count: 2 });
    }
    expect((await bobWeb.get(bobsPage)).body).toContain("3.5");
  });

  it("keeps a member's upload on their own server and links to it from the others", async () => {
    const bobWeb = await signedIn(sunderland, "bob");
    const bytes = utf8("ward,gritted\nnorth,yes\nsouth,no\n");
    const page = await upload(bobWeb, libraryOn(groupOn.sunderland.garden!), "Ward list", {
      bytes,
      name: "wards.csv",
    });
    const original = getItem(sunderland.db, Number(page.split("/").pop()))!;
    const downloadUrl = `${sunderland.origin}${page}/download`;

    // The Article carries the file as a Document attachment, as Mastodon expects.
    const object = await (
      await fetch(original.iri, { headers: { accept: "application/activity+json" } })
    ).json();
    expect(object.type).toBe("Article");
    expect(object.name).toBe("Ward list");
    const attachment = Array.isArray(object.attachment) ? object.attachment[0] : object.attachment;
    expect(attachment).toMatchObject({
      type: "Document",
      mediaType: "text/csv",
      name: "wards.csv",
      url: downloadUrl,
    });
    expect(object.content).toContain(`href="${downloadUrl}"`);

    for (const instance of [somerset, cardiff]) {
      const copy = await eventually(() => findItemByIri(instance.db, original.iri));
      expect(copy.kind).toBe("document");
      expect(getDocument(instance.db, copy.id)?.remoteUrl).toBe(downloadUrl);
    }
    const onSomerset = findItemByIri(somerset.db, original.iri)!;
    const redirect = await fetch(
      `${somerset.origin}/c/garden/documents/${onSomerset.id}/download`,
      { redirect: "manual" },
    );
    expect(redirect.headers.get("location")).toBe(downloadUrl);
    expect(await (await fetch(downloadUrl)).text()).toBe("ward,gritted\nnorth,yes\nsouth,no\n");

    // Carol on Cardiff rates and comments: the community's server and the author's both hear.
    const carolWeb = await signedIn(cardiff, "carol");
    const onCardiff = findItemByIri(cardiff.db, original.iri)!;
    const carolsPage = `${libraryOn(groupOn.cardiff.garden!)}/${onCardiff.id}`;
    expect((await carolWeb.post(`${carolsPage}/rate`, { stars: "3" })).response.status).toBe(303);
    // The community's server counts her Like; the document's home, Sunderland, her stars,
    // and its new average reaches the other servers through the community.
    await eventually(() => ratingSummary(somerset.db, onSomerset.id).likes === 1);
    await eventually(() => ratingSummary(sunderland.db, original.id).count === 1);
    expect(ratingSummary(sunderland.db, original.id)).toMatchObject({ average: 3, likes: 0 });
    await eventually(() => ratingSummary(somerset.db, onSomerset.id).average === 3);
    const comment = await carolWeb.post(`${carolsPage}/comment`, {
      body: "Which routes are priority one?",
      parent: String(onCardiff.id),
    });
    expect(comment.response.status).toBe(303);
    for (const [instance, root] of [
      [somerset, onSomerset],
      [sunderland, original],
    ] as const) {
      const comments = await eventually(() => {
        const rows = threadItems(instance.db, root.id);
        return rows.length === 1 ? rows : undefined;
      });
      expect(comments[0]).toMatchObject({ kind: "reply", parentId: root.id });
    }
  });

  it("keeps a private community's document among members", async () => {
    const aliceWeb = await signedIn(somerset, "alice");
    const page = await upload(aliceWeb, libraryOn(groupOn.somerset.secret!), "Restructure", {
      bytes: utf8("Confidential.\n"),
      name: "restructure.txt",
    });
    const local = getItem(somerset.db, Number(page.split("/").pop()))!;
    expect(local.visibility).toBe("members");
    const onSunderland = await eventually(() => findItemByIri(sunderland.db, local.iri));
    expect(onSunderland).toMatchObject({ kind: "document", visibility: "members" });
    expect(findItemByIri(cardiff.db, local.iri)).toBeUndefined();
    // Outside the community nobody gets the object or the file.
    const anonymous = await fetch(local.iri, { headers: { accept: "application/activity+json" } });
    expect(anonymous.status).toBe(401);
    const file = await fetch(`${somerset.origin}${page}/download`);
    expect(file.status).toBe(403);
    expect(await file.text()).not.toContain("Confidential");
  });
});
