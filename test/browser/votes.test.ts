// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes; innerText gives the text as rendered, which is what people see.
import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  imageFetchFailed,
  mediaOfItems,
  prepareRemoteImage,
  saveRemoteMedia,
  storeItemImage,
} from "../../src/domain/item-media.ts";
import { composeItem, type ItemRow } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { fileStoreFor } from "../../src/domain/storage/store.ts";
import { clickAndLoad } from "../helpers/browser.ts";
import { a11y, flash, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";

// Voting clicked through in Chromium, with and without JavaScript, and a link and image post
// as it is shown once its picture has been copied here (and one whose picture could not be
// had). Every page is checked with axe-core for WCAG 2.2 A and AA.

describeInBrowser("votes and link posts in a browser", () => {
  let session: BrowserSession;
  let bob: Page;
  let topic: ItemRow;
  let reply: ItemRow;
  let linkPost: ItemRow;
  let topicPath: string;

  const post = (page: Page, id: number) => page.locator(`#item-${id} > article`);
  const score = (page: Page, id: number) => post(page, id).locator(".copse-vote__score");

  beforeAll(async () => {
    session = await startBrowserSession("Voteford");
    const { instance } = session;
    const alice = await instance.createUser("alice", { name: "Alice Adams" });
    const community = instance.createCommunity("allotments", alice, "public");
    for (const handle of ["bob", "carol"]) {
      const member = await instance.createUser(handle);
      requestMembership(instance.db, { groupId: community.actor.id, memberId: member.actor.id });
    }
    topic = composeItem(instance.db, instance.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [community.actor],
      title: "Shared water butts",
      body: "Shall we buy four more?",
    });
    reply = composeItem(instance.db, instance.origin, {
      kind: "reply",
      author: alice.actor,
      groups: [community.actor],
      parent: topic,
      body: "They are on sale in March.",
    });
    topicPath = `/c/allotments/forum/${topic.id}`;
    // A link post with a picture, as a remote post is kept once its picture is copied.
    linkPost = composeItem(instance.db, instance.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [community.actor],
      title: "Seed swap poster",
      body: "The poster for the swap.",
    });
    saveRemoteMedia(instance.db, linkPost.id, {
      link: { href: "https://example.com/seed-swap", title: "Seed swap, Saturday 10am" },
      images: [
        { url: "https://lemmy.example/pictrs/image/poster.png", alt: "A poster with seeds" },
        { url: "https://lemmy.example/pictrs/image/gone.png", alt: "The hall" },
      ],
    });
    const [poster, gone] = mediaOfItems(instance.db, [linkPost.id]).get(linkPost.id)!.images;
    const png = await sharp({
      create: { width: 300, height: 200, channels: 3, background: "#2a7" },
    })
      .png()
      .toBuffer();
    await storeItemImage(
      instance.db,
      fileStoreFor(instance.config.files),
      poster!.id,
      await prepareRemoteImage(png),
    );
    imageFetchFailed(instance.db, gone!, "the server answered 404", new Date(), true);
    bob = await session.signedInPage("bob");
  });
  afterAll(() => session?.close());

  it("lets a member vote a post up, see the score, and take the vote back", async () => {
    await session.go(bob, topicPath);
    expect(await score(bob, topic.id).innerText()).toBe("Score 0: 0 up, 0 down");
    await a11y(bob);
    const up = post(bob, topic.id).getByRole("button", { name: "Vote up on this post" });
    await clickAndLoad(bob, up);
    expect(new URL(bob.url()).pathname).toBe(topicPath);
    expect(await flash(bob).innerText()).toContain("You voted this post up.");
    expect(await score(bob, topic.id).innerText()).toBe("Score 1: 1 up, 0 down");
    const pressed = post(bob, topic.id).getByRole("button", {
      name: "Remove up-vote on this post",
    });
    expect(await pressed.getAttribute("aria-pressed")).toBe("true");
    await a11y(bob);
    await clickAndLoad(bob, pressed);
    expect(await flash(bob).innerText()).toContain("Your vote has been taken back.");
    expect(await score(bob, topic.id).innerText()).toBe("Score 0: 0 up, 0 down");
  });

  it("works without JavaScript: a down-vote on a reply counts apart from up-votes", async () => {
    const carol = await session.signedInPage("carol", { javaScriptEnabled: false });
    await session.go(carol, topicPath);
    const down = post(carol, reply.id).getByRole("button", { name: "Vote down on this post" });
    await clickAndLoad(carol, down);
    expect(await score(carol, reply.id).innerText()).toBe("Score -1: 0 up, 1 down");
    // Someone signed out sees the score but no buttons.
    const guest = await session.openPage();
    await session.go(guest, topicPath);
    expect(await score(guest, reply.id).innerText()).toBe("Score -1: 0 up, 1 down");
    expect(await main(guest).getByRole("button", { name: /Vote/ }).count()).toBe(0);
    await a11y(guest);
  });

  it("shows a link post's link and its copied picture, and a plain link for a lost one", async () => {
    await session.go(bob, `/c/allotments/forum/${linkPost.id}`);
    const article = post(bob, linkPost.id);
    const link = article.getByRole("link", { name: "Seed swap, Saturday 10am" });
    expect(await link.getAttribute("href")).toBe("https://example.com/seed-swap");
    const picture = article.getByRole("img", { name: "A poster with seeds" });
    expect(await picture.getAttribute("src")).toMatch(/^\/media\/images\/\d+$/);
    // The picture may still be on its way (or lazily waiting for the scroll): wait until the
    // browser is done with it, loaded or failed, then read its size (0 if it failed).
    await picture.scrollIntoViewIfNeeded();
    const width = await picture.evaluate((img: HTMLImageElement) =>
      img.complete
        ? img.naturalWidth
        : new Promise<number>((resolve) => {
            const done = () => resolve(img.naturalWidth);
            img.addEventListener("load", done, { once: true });
            img.addEventListener("error", done, { once: true });
          }),
    );
    expect(width).toBe(300);
    const lost = article.getByRole("link", { name: "The hall" });
    expect(await lost.getAttribute("href")).toBe("https://lemmy.example/pictrs/image/gone.png");
    await a11y(bob);
  });
});
