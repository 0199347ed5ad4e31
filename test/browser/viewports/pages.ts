import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { composeItem, getItem } from "../../../src/domain/items.ts";
import { REVIEW_SCREENSHOTS, screenshot } from "../../helpers/browser.ts";
import { a11y, accountMenu } from "../../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../../helpers/browser-session.ts";
import { seedFeedSample } from "../../helpers/feed-sample.ts";

// Every main page at a phone's, a tablet's and a desktop's width (WCAG 1.4.10 Reflow asks for
// 320 CSS pixels without scrolling sideways): the page itself must never scroll sideways (a
// deliberate, labelled scroll region may, inside it), axe must find nothing, and every image
// must have a text alternative. With `npm run test:browser -- --screenshots DIR` each page is
// also photographed at each width for review.

/** The widths checked, one test file each so that they run at once. */
export const WIDTHS = [320, 768, 1280] as const;

/** What is wrong with a page's layout at the current width: sideways scrolling, bare images. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const doc = document.scrollingElement ?? document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) {
      // Name what sticks out, leaving aside what is inside a labelled scroll region.
      const culprits = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
        .filter((el) => !el.closest("[tabindex][aria-label].copse-scroll-region"))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
      problems.push(
        `the page scrolls sideways (${doc.scrollWidth} > ${doc.clientWidth} px): ${culprits.join(", ")}`,
      );
    }
    for (const img of document.querySelectorAll("img:not([alt])"))
      problems.push(`an image has no text alternative: ${(img as HTMLImageElement).src}`);
    return problems;
  });
}

/** Checks every main page at one width (each width is its own test file). */
export function checkPagesAt(width: (typeof WIDTHS)[number]): void {
  describeInBrowser(`every main page at ${width} px`, () => {
    let session: BrowserSession;
    let page: Page;
    const paths: [string, string][] = [];

    beforeAll(async () => {
      session = await startBrowserSession("Widthwick");
      const { instance } = session;
      const s = await seedFeedSample(instance);
      await instance.createUser("ada", { admin: true, name: "Ada Administrator" });
      const { db, origin } = instance;
      const idOf = (kind: string) =>
        (
          db.$client
            .prepare("SELECT id FROM items WHERE kind = ? ORDER BY id LIMIT 1")
            .get(kind) as {
            id: number;
          }
        ).id;
      const topic = getItem(db, idOf("topic"))!;
      composeItem(db, origin, {
        kind: "reply",
        author: s.eve.actor,
        groups: [s.garden.actor],
        parent: topic,
        body: "We do ours on Saturdays, with a long table of who brings what.",
      });
      const wiki = idOf("wiki");
      paths.push(
        ["home", "/"],
        ["communities", "/communities"],
        ["community-home", "/c/garden"],
        ["forum", "/c/garden/forum"],
        ["topic", `/c/garden/forum/${topic.id}`],
        ["blog", "/c/garden/blog"],
        ["blog-entry", `/c/garden/blog/${idOf("entry")}`],
        ["wiki", "/c/garden/wiki"],
        ["wiki-page", `/c/garden/wiki/${wiki}`],
        ["wiki-history", `/c/garden/wiki/${wiki}/history`],
        ["wiki-diff", `/c/garden/wiki/${wiki}/diff?from=1&to=2`],
        ["events", "/c/garden/events"],
        ["event", `/c/garden/events/${idOf("event")}`],
        ["documents", "/c/garden/documents"],
        ["polls", "/c/garden/polls"],
        ["poll", `/c/garden/polls/${idOf("poll")}`],
        ["news", "/c/garden/news"],
        ["members", "/c/garden/people"],
        ["people-finder", "/people?q=alice"],
        ["profile", "/people/alice"],
        ["search", "/search?q=compost"],
        ["notifications", "/notifications"],
        ["messages", "/messages"],
        ["admin", "/admin"],
        ["admin-accounts", "/admin/accounts"],
        ["admin-communities", "/admin/communities"],
        ["admin-servers", "/admin/servers"],
        ["admin-mail", "/admin/mail"],
        ["admin-metrics", "/admin/metrics"],
        ["admin-site", "/admin/site"],
        ["rules", "/about/rules"],
      );
      page = await session.signedInPage("ada");
    });

    afterAll(() => session?.close());

    it(`lays out every page within ${width} px, with no axe violations`, {
      timeout: 600_000,
    }, async () => {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, path] of paths) {
        const response = await page.goto(new URL(path, session.instance.origin).href);
        expect.soft(response?.status(), `${path} answers`).toBe(200);
        expect.soft(await layoutProblems(page), `${path} at ${width} px`).toEqual([]);
        await a11y(page);
        if (REVIEW_SCREENSHOTS) await screenshot(page, `${width}/${name}`);
      }
      // The header's menus open within the width too.
      await page.goto(new URL("/c/garden", session.instance.origin).href);
      await accountMenu(page);
      if (width < 641)
        await page.getByRole("navigation", { name: "Menu" }).locator("summary").click();
      expect.soft(await layoutProblems(page), `header menus open at ${width} px`).toEqual([]);
      await a11y(page);
      if (REVIEW_SCREENSHOTS) await screenshot(page, `${width}/header-menus-open`);
    });
  });
}
