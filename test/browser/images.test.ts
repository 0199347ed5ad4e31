import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { requestMembership } from "../../src/domain/membership.ts";
import { clickAndLoad, expectVisible } from "../helpers/browser.ts";
import { a11y, h1, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";

// Pictures in a forum post, in Chromium: Bob adds one with its description through the form's
// "Add image" fields (a plain form submission), sees it in the preview with his text kept,
// posts the topic and sees the picture in the thread; then pastes a picture into the reply
// box, which the page's script uploads and writes in as Markdown for him to describe. Every
// page is checked with axe-core.
describeInBrowser("pictures in posts, in a browser", () => {
  let session: BrowserSession;
  let bob: Page;
  let png: Buffer;

  /** Whether an <img> on the page has loaded a real picture. */
  // Pictures in posts load lazily, so the page's load event does not wait for them: the
  // picture is brought into view and its own load (or error) awaited.
  const loaded = async (page: Page, alt: string) => {
    const picture = page.getByRole("img", { name: alt });
    await picture.scrollIntoViewIfNeeded();
    return picture.evaluate((img: HTMLImageElement) =>
      img.complete
        ? img.naturalWidth > 0
        : new Promise<boolean>((resolve) => {
            img.addEventListener("load", () => resolve(img.naturalWidth > 0), { once: true });
            img.addEventListener("error", () => resolve(false), { once: true });
          }),
    );
  };

  /** Chooses a picture in the form's file field and describes it. */
  const choosePicture = async (page: Page, alt: string) => {
    await page
      .getByLabel("Image file")
      .setInputFiles({ name: "picture.png", mimeType: "image/png", buffer: png });
    await page.getByLabel("Describe the image").fill(alt);
  };

  /** Presses Enter in the labelled one-line field and waits for the page the form answers. */
  const enterAndLoad = async (page: Page, label: string) => {
    const loaded = page.waitForEvent("load");
    await page.getByLabel(label, { exact: true }).press("Enter");
    await loaded;
  };

  beforeAll(async () => {
    session = await startBrowserSession("Picturewood");
    const { instance } = session;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    const community = instance.createCommunity("highways", owner, "public");
    const member = await instance.createUser("bob", { name: "Bob Brown" });
    requestMembership(instance.db, { groupId: community.actor.id, memberId: member.actor.id });
    bob = await session.signedInPage("bob");
    png = await sharp({ create: { width: 320, height: 200, channels: 3, background: "#1d70b8" } })
      .png()
      .toBuffer();
  });
  afterAll(() => session?.close());

  it("adds a picture with its description without a script, and shows it in the thread", async () => {
    await session.go(bob, "/c/highways/forum/new");
    await a11y(bob);
    await bob.getByLabel("Title").fill("New gritter");
    await bob.getByLabel("Message").fill("It arrived today.");
    await choosePicture(bob, "A blue gritter in the depot");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Add image" }));
    await expectVisible(main(bob).getByText("The image was added to the end of your text"));
    const message = await bob.getByLabel("Message").inputValue();
    expect(message).toMatch(/^It arrived today\.\n\n!\[A blue gritter in the depot\]\(http/);
    expect(await bob.getByLabel("Title").inputValue()).toBe("New gritter");
    const preview = bob.locator("#preview");
    await expectVisible(preview.getByRole("img", { name: "A blue gritter in the depot" }));
    expect(await loaded(bob, "A blue gritter in the depot")).toBe(true);
    await a11y(bob);

    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Post topic" }));
    expect((await h1(bob).textContent())?.trim()).toBe("New gritter");
    const picture = main(bob).locator("article").getByRole("img", {
      name: "A blue gritter in the depot",
    });
    await expectVisible(picture);
    expect(await loaded(bob, "A blue gritter in the depot")).toBe(true);
    await a11y(bob);
  });

  it("posts the topic when Enter is pressed in the title, and adds a chosen picture when Enter is pressed in its description", async () => {
    await session.go(bob, "/c/highways/forum/new");
    // With nothing but a title, Enter sends the form, which answers with its own validation.
    await bob.getByLabel("Title").fill("Salt stocks");
    await enterAndLoad(bob, "Title");
    await expectVisible(bob.locator(".govuk-error-summary"));
    expect(await main(bob).getByText("Choose an image to add").count()).toBe(0);
    await a11y(bob);

    await bob.getByLabel("Message").fill("Enough for the winter.");
    await choosePicture(bob, "A heap of salt");
    await enterAndLoad(bob, "Describe the image");
    await expectVisible(main(bob).getByText("The image was added to the end of your text"));
    expect(await bob.getByLabel("Message").inputValue()).toMatch(/!\[A heap of salt\]\(http/);

    await enterAndLoad(bob, "Title");
    expect((await h1(bob).textContent())?.trim()).toBe("Salt stocks");
    await expectVisible(main(bob).locator("article").getByRole("img", { name: "A heap of salt" }));
    await a11y(bob);
  });

  it("uploads a picture pasted into the reply box and selects its description to type over", async () => {
    const box = bob.locator("#reply");
    const reply = box.getByLabel("Your reply");
    await reply.fill("Here it is loaded:");
    await reply.evaluate(
      (textarea: HTMLTextAreaElement, bytes: number[]) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], "paste.png", { type: "image/png" }));
        textarea.setSelectionRange(textarea.value.length, textarea.value.length);
        textarea.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
      },
      [...png],
    );
    await expectVisible(
      box.getByText("Image added. Type a description of it over the selected words."),
    );
    const value = await reply.inputValue();
    expect(value).toMatch(
      /^Here it is loaded:\n\n!\[Describe the image\]\(http[^)]+\/media\/uploads\/[0-9a-f-]+\.webp\)\n$/,
    );
    const selected = await reply.evaluate((t: HTMLTextAreaElement) =>
      t.value.slice(t.selectionStart, t.selectionEnd),
    );
    expect(selected).toBe("Describe the image");
    await bob.keyboard.type("The gritter full of salt");
    await clickAndLoad(bob, box.getByRole("button", { name: "Post reply" }));
    expect(await loaded(bob, "The gritter full of salt")).toBe(true);
    await a11y(bob);
  });
});
