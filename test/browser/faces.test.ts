// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes.
import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { AVATAR_TONES } from "../../src/domain/faces.ts";
import { type ItemRow, insertItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { saveRemotePersonDetails, setPhotoUpdated } from "../../src/domain/person-details.ts";
import { preparePhoto, writePhoto } from "../../src/domain/photos.ts";
import { fileStoreFor } from "../../src/domain/storage/store.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, h1, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";

// Faces and long threads in Chromium: a topic with 70 replies from Alice (who has a photo),
// Bob (initials) and Mo on another server (initials: his server's picture is never loaded).
// Bob reads the first page, follows the pages to the last one, where the reply box is, and
// posts; the members list and the people finder show the same faces. axe checks every page,
// and at 320 px the pages do not scroll sideways.

describeInBrowser("faces and paged threads in a browser", () => {
  let session: BrowserSession;
  let bob: Page;
  let topicPath: string;
  const replies: ItemRow[] = [];
  /** Requests the page made to other hosts than the instance (there must be none). */
  const elsewhere: string[] = [];

  beforeAll(async () => {
    session = await startBrowserSession("Faces");
    const { instance } = session;
    const { db } = instance;
    const alice = await instance.createUser("alice", { name: "Alice Archer" });
    const bobAccount = await instance.createUser("bob", { name: "Bob Brook" });
    const garden = instance.createCommunity("garden", alice, "public").actor;
    requestMembership(db, { groupId: garden.id, memberId: bobAccount.actor.id });
    const photo = await preparePhoto(
      await sharp({
        create: { width: 200, height: 200, channels: 3, background: { r: 30, g: 120, b: 90 } },
      })
        .png()
        .toBuffer(),
    );
    await writePhoto(fileStoreFor(instance.config.files), "alice", photo);
    setPhotoUpdated(db, alice.actor.id, new Date());
    const mo = upsertRemoteActor(db, {
      iri: "https://far.example/users/mo",
      type: "Person",
      handle: "mo",
      host: "far.example",
      name: "Mo Farah",
      summary: "",
      url: "https://far.example/@mo",
      inboxUrl: null,
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
    saveRemotePersonDetails(db, mo.id, {
      location: "",
      email: "",
      phone: "",
      website: "",
      iconUrl: "https://far.example/media/mo.png",
      expertise: [],
      interests: [],
    });
    requestMembership(db, { groupId: garden.id, memberId: mo.id });
    const authors = [alice.actor.id, bobAccount.actor.id, mo.id];
    let n = 0;
    const post = (authorId: number, parent: ItemRow | null) =>
      insertItem(db, {
        kind: parent ? "reply" : "topic",
        iri: `${instance.origin}/ap/test-items/${++n}`,
        authorId,
        groupIds: [garden.id],
        parentId: parent?.id ?? null,
        title: parent ? "" : "Verge cutting schedules",
        bodyHtml: `<p>Message ${n} about verges.</p>`,
        visibility: "public",
        isLocal: true,
        publishedAt: new Date(Date.UTC(2026, 2, 1, 9, n)),
      });
    const topic = post(alice.actor.id, null);
    for (let i = 0; i < 70; i++) replies.push(post(authors[i % 3]!, topic));
    topicPath = `/c/garden/forum/${topic.id}`;
    bob = await session.signedInPage("bob");
    bob.on("request", (request) => {
      const url = new URL(request.url());
      if (url.origin !== instance.origin && url.protocol !== "data:") elsewhere.push(url.href);
    });
  });

  afterAll(() => session?.close());

  /** Whether the page scrolls sideways at the current width. */
  const scrollsSideways = (page: Page) =>
    page.evaluate(() => {
      const doc = document.scrollingElement ?? document.documentElement;
      return doc.scrollWidth > doc.clientWidth;
    });

  it("shows photos and initials beside every post of the first page", async () => {
    await session.go(bob, topicPath);
    await expectVisible(h1(bob).getByText("Verge cutting schedules"));
    expect(await main(bob).locator("li.copse-post").count()).toBe(51);
    // Alice's photo: decorative, at its set size, and actually loaded from this instance.
    const photo = main(bob).locator(`#item-${replies[0]!.id} > article img.copse-avatar`);
    await photo.scrollIntoViewIfNeeded();
    await expect
      .poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(48);
    expect(await photo.getAttribute("alt")).toBe("");
    expect(await photo.evaluate((img) => img.getBoundingClientRect().width)).toBe(32);
    // Bob's initials: white on a colour of the palette, hidden from screen readers.
    const initials = main(bob).locator(`#item-${replies[1]!.id} > article .copse-avatar--initials`);
    expect(await initials.getAttribute("data-initials")).toBe("BB");
    expect(await initials.getAttribute("aria-hidden")).toBe("true");
    const colours = await initials.evaluate((el) => {
      const style = getComputedStyle(el);
      const drawn = getComputedStyle(el, "::before").content;
      return { background: style.backgroundColor, text: style.color, drawn };
    });
    // The letters are drawn by the stylesheet, outside the page's text.
    expect(colours.drawn).toBe('"BB"');
    expect(await initials.textContent()).toBe("");
    const rgb = (hex: string) =>
      `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;
    expect(AVATAR_TONES.map(rgb)).toContain(colours.background);
    expect(colours.text).toBe("rgb(255, 255, 255)");
    // Mo is on another server: initials, and a name that leads to our page about him.
    const mo = main(bob).locator(`#item-${replies[2]!.id} > article`);
    expect(await mo.locator(".copse-avatar--initials").getAttribute("data-initials")).toBe("MF");
    expect(
      await mo.getByRole("link", { name: "Mo Farah (far.example)" }).getAttribute("href"),
    ).toBe("/people/mo%40far.example");
    // The post is named by its author and date, without the initials before the name.
    const named = main(bob).getByRole("article", { name: /^Mo Farah \(far\.example\) wrote / });
    expect(await named.count()).toBe(16);
    await a11y(bob);
  });

  it("pages through the thread to the reply box on the last page, and posts there", async () => {
    await session.go(bob, topicPath);
    const pages = main(bob).getByRole("navigation", { name: "Pages of replies" });
    await clickAndLoad(bob, pages.getByRole("link", { name: "Next page" }));
    expect(new URL(bob.url()).search).toBe("?page=2");
    expect(await bob.title()).toContain("(page 2 of 2)");
    expect(await main(bob).locator("li.copse-post").count()).toBe(20);
    await expectVisible(main(bob).getByRole("heading", { name: "Reply to this topic" }));
    await a11y(bob);
    await clickAndLoad(bob, pages.first().getByRole("link", { name: "Page 1" }));
    expect(await main(bob).getByRole("heading", { name: "Reply to this topic" }).count()).toBe(0);
    await clickAndLoad(
      bob,
      main(bob).getByRole("link", { name: "Go to the newest replies and the reply box" }),
    );
    const box = bob.getByRole("region", { name: "Reply to this topic" });
    await box.getByLabel("Your reply").fill("Ours are cut in May and September.");
    await clickAndLoad(bob, box.getByRole("button", { name: "Post reply" }));
    const url = new URL(bob.url());
    expect(url.search).toMatch(/^\?reply=\d+$/);
    const mine = main(bob).locator(`${url.hash} > article`);
    await expectVisible(mine.getByText("Ours are cut in May and September."));
    expect(await mine.locator(".copse-avatar--initials").getAttribute("data-initials")).toBe("BB");
    await a11y(bob);
    await screenshot(bob, "faces-thread-last-page");
  });

  it("shows the same faces in the members list and the people finder", async () => {
    await session.go(bob, "/c/garden/people");
    const alice = main(bob).getByRole("row").filter({ hasText: "Alice Archer" });
    await expectVisible(alice.locator("img.copse-avatar"));
    const moRow = main(bob).getByRole("row").filter({ hasText: "Mo Farah" });
    expect(await moRow.locator(".copse-avatar--initials").getAttribute("data-initials")).toBe("MF");
    await a11y(bob);
    await session.go(bob, "/people?q=alice");
    await expectVisible(main(bob).locator("li").filter({ hasText: "Alice Archer" }).locator("img"));
    await a11y(bob);
  });

  it("fits a 320 px screen and never asks another server for a picture", async () => {
    await bob.setViewportSize({ width: 320, height: 800 });
    for (const path of [topicPath, `${topicPath}?page=2`, "/c/garden/people", "/people?q=bob"]) {
      await session.go(bob, path);
      expect.soft(await scrollsSideways(bob), `${path} at 320 px`).toBe(false);
      await a11y(bob);
    }
    await session.go(bob, "/people/mo@far.example");
    await expectVisible(main(bob).locator(".copse-avatar--large"));
    await a11y(bob);
    expect(elsewhere).toEqual([]);
  });
});
