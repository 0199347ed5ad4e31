import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AxeResults, Result as AxeViolation } from "axe-core";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";

// Helpers for tests that drive Copse's pages in a real browser. Copse ships no JavaScript, so
// these tests see exactly what people see: server-rendered HTML and the stylesheet. The browser
// is Debian's Chromium; playwright-core never downloads one of its own.

// Debian's chromium-headless-shell is Chromium's engine without the desktop browser around it
// (what "old headless" was): the same Blink, layout and accessibility tree, at about two thirds
// of the CPU per journey here (three journeys: 48 s of user CPU with `chromium --headless`,
// 31 s with the shell), so it is preferred; Debian's full `chromium` works too.
const CHROMIUM_CANDIDATES = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];

/**
 * Which Chromium the browser tests drive: COPSE_CHROMIUM when set, otherwise the first of
 * Debian's headless shell and Debian's chromium that is installed.
 */
export const CHROMIUM_PATH =
  process.env.COPSE_CHROMIUM ||
  CHROMIUM_CANDIDATES.find((path) => existsSync(path)) ||
  "/usr/bin/chromium-headless-shell";

/** Why the browser tests were skipped, for the test output. */
export const SKIP_MESSAGE = `Skipping browser tests: no Chromium at ${process.env.COPSE_CHROMIUM || CHROMIUM_CANDIDATES.join(" or ")}; install Debian's chromium-headless-shell package (apt-get install chromium-headless-shell) or its chromium`;

/** The WCAG levels Copse must meet (2.2 AA), as axe-core tags. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] as const;

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Where screenshots go: the directory in COPSE_SCREENSHOTS when it is set (by
 * `npm run test:browser -- --screenshots DIR`, scripts/test-browser.mjs), otherwise
 * test-results/screenshots/ at the top of the repository.
 */
export const SCREENSHOT_DIR =
  process.env.COPSE_SCREENSHOTS || join(repoRoot, "test-results", "screenshots");

/** Whether screenshots of every page at every width were asked for (--screenshots DIR). */
export const REVIEW_SCREENSHOTS = Boolean(process.env.COPSE_SCREENSHOTS);

/** Tells (synchronously, so a suite can decide to skip) whether Chromium is installed. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

// Chromium for the whole worker process: test files share their worker (isolate: false in
// vitest.config.ts), and starting Chromium cost 0.5-1.5 s for each of ~40 journey files. Each
// file still gets fresh browser contexts (own cookies, storage and cache) and closes them; the
// browser ends with the process (playwright closes what it launched when its process exits).
let workerBrowser: Browser | undefined;

/**
 * Returns headless Chromium for this worker process, launching it on first use (or again if it
 * went away), or null when it is not installed. Callers close their contexts, not the browser.
 */
export async function launchBrowser(): Promise<Browser | null> {
  if (!chromiumAvailable()) return null;
  if (workerBrowser?.isConnected()) return workerBrowser;
  workerBrowser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return workerBrowser;
}

let axeSource: string | undefined;

/** axe-core's browser bundle, read once. */
function axeScript(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  return axeSource;
}

const hasAxe = (page: Page) => page.evaluate(() => "axe" in window);

/** Puts axe-core into the page unless it is already there. */
async function injectAxe(page: Page): Promise<void> {
  if (await hasAxe(page)) return;
  // Copse's Content-Security-Policy (script-src 'self') refuses inline scripts, so an added
  // script tag never runs on its pages (trying one first cost ~100 ms a check). Evaluating the
  // bundle through the DevTools protocol is not subject to the page's CSP, and also works in a
  // context with JavaScript turned off, where an added script tag never runs either.
  await page.evaluate(axeScript());
  if (!(await hasAxe(page))) throw new Error(`Could not load axe-core into ${page.url()}`);
}

/** How long axe may take on one page before the check gives up. */
const AXE_TIMEOUT_MS = 15_000;

/**
 * Runs axe-core against the whole page for WCAG 2.2 A and AA, returning the violations. axe
 * needs JavaScript, so this does not work in a context made with `javaScriptEnabled: false`.
 */
export async function checkA11y(page: Page): Promise<AxeViolation[]> {
  await page.waitForLoadState("load");
  await injectAxe(page);
  const run = page.evaluate(
    (tags) =>
      (
        window as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } }
      ).axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      }),
    [...WCAG_TAGS],
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `axe did not finish on ${page.url()} within ${AXE_TIMEOUT_MS} ms (is JavaScript turned off in this browser context?)`,
          ),
        ),
      AXE_TIMEOUT_MS,
    );
  });
  try {
    return ((await Promise.race([run, timeout])) as AxeResults).violations;
  } finally {
    clearTimeout(timer);
  }
}

/** Describes axe violations one per rule: id, impact, help, then each offending element. */
export function formatViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const summary = (n.failureSummary ?? "")
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean)
            .join("\n        ");
          return `    - ${n.target.join(" ")}${summary ? `\n        ${summary}` : ""}`;
        })
        .join("\n");
      return `  * ${v.id} (${v.impact ?? "no impact given"}): ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join("\n");
}

/**
 * Fails the test when axe finds any WCAG 2.2 A/AA violation on the page, listing each rule,
 * its impact, the selectors of the elements at fault and how to fix them. With `soft`, the
 * failure is recorded but the test goes on, so one run reports every page's problems.
 */
export async function expectNoA11yViolations(
  page: Page,
  options: { soft?: boolean } = {},
): Promise<AxeViolation[]> {
  const violations = await checkA11y(page);
  const where = `${new URL(page.url()).pathname} ("${await page.title()}")`;
  const message =
    violations.length === 0
      ? `no accessibility violations on ${where}`
      : `axe found ${violations.length} accessibility violation(s) on ${where}:\n${formatViolations(violations)}\n`;
  (options.soft ? expect.soft : expect)(violations.length, message).toBe(0);
  return violations;
}

/** Saves a full-page PNG to test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // Chromium now and then answers "Unable to capture screenshot" when asked before the page's
  // first frame is composited (seen once in a full run, on the first page of a fresh tab).
  // The picture is for people reading the results, not an assertion, so it is asked for again;
  // a page that can never be captured still fails on the third try.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.screenshot({ path, fullPage: true });
      return path;
    } catch (error) {
      if (attempt === 3 || !/Unable to capture screenshot/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Clicks something that loads a new page (a link or a form's button) and waits for it to load. */
export async function clickAndLoad(page: Page, target: Locator): Promise<void> {
  const loaded = page.waitForEvent("load");
  await target.click();
  await loaded;
}

/** Waits for an element to be visible, failing with a message that says what was missing. */
export async function expectVisible(target: Locator, what?: string): Promise<void> {
  const visible = await target
    .first()
    .waitFor({ state: "visible", timeout: 5_000 })
    .then(() => true)
    .catch(() => false);
  expect(
    visible,
    `expected ${what ?? String(target)} to be visible on ${target.page().url()}`,
  ).toBe(true);
}
