import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStylesheet } from "../../src/web/assets/css.ts";
import { BarChart, LineChart } from "../../src/web/views/charts.tsx";
import { ScrollRegion } from "../../src/web/views/scroll-region.tsx";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { expectSoundHeadings, pageTitle } from "../helpers/page-structure.ts";

// What a review of the community-tools pages at 320 CSS pixels (WCAG 1.4.10 Reflow) changed:
// wide tables scroll inside a named region reachable by keyboard instead of widening the page,
// and charts give their text a hook that narrow screens enlarge. How it looks is for the
// browser; these tests keep the markup and the rules the stylesheet relies on in place.

/** Renders a Hono JSX node to its HTML string. */
async function html(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

const WEEKS = ["7 Sep", "14 Sep", "21 Sep", "28 Sep"].map((label, i) => ({ label, value: i }));

describe("markup for narrow screens", () => {
  it("wraps content in a named, focusable region", async () => {
    const out = await html(
      <ScrollRegion label="Outgoing mail">
        <table class="govuk-table" />
      </ScrollRegion>,
    );
    expect(out).toBe(
      '<section class="copse-scroll-region" aria-label="Outgoing mail" tabindex="0"><table class="govuk-table"></table></section>',
    );
  });

  it("groups the charts' axis labels and marks their text, for the narrow-screen rules", async () => {
    for (const Chart of [BarChart, LineChart]) {
      const out = await html(
        <Chart
          id="weeks"
          title="Posts per week"
          points={WEEKS}
          labelHeading="Week beginning"
          valueHeading="Posts"
        />,
      );
      const axis = /<g class="copse-chart__axis-labels">([\s\S]*?)<\/g>/.exec(out);
      expect(axis?.[1]?.match(/<text /g)).toHaveLength(WEEKS.length);
      expect(out).toContain('<g class="copse-chart__text"');
    }
  });

  it("has the stylesheet rules that make them work", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "copse-css-narrow-"));
    try {
      const { css } = await buildStylesheet({ outDir });
      const has = (rule: string) => expect(css.includes(rule), rule).toBe(true);
      has(".copse-scroll-region{position:relative;overflow-x:auto");
      has(".copse-chart__axis-labels text:not(:nth-child(3n+1)){display:none}");
      has(".copse-chart__text{font-size:1.375rem}");
      has("form.copse-inline-form>.govuk-form-group{min-width:0;max-width:100%}");
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});

describe("metrics tables on narrow screens", () => {
  let copse: TestInstance;
  let rowan: WebClient;

  beforeAll(async () => {
    copse = await startTestInstance("Narrowby");
    await copse.createUser("rowan", { admin: true });
    const alice = await copse.createUser("alice");
    copse.createCommunity("garden", alice, "public");
    rowan = new WebClient(copse.origin);
    const { response } = await rowan.post("/signin", { login: "rowan", password: TEST_PASSWORD });
    expect(response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("puts every table wider than a phone in a scrolling region", async () => {
    const instance = await rowan.get("/admin/metrics");
    expect(instance.response.status).toBe(200);
    expect(pageTitle(instance.body)).toBe("Instance metrics – Narrowby");
    expectSoundHeadings(instance.body);
    for (const label of [
      "Each community&#39;s members and recent posts",
      "Posts per section per week",
      "Members by how they took part",
    ]) {
      expect(instance.body).toContain(
        `<section class="copse-scroll-region" aria-label="${label}" tabindex="0">`,
      );
    }
    const community = await rowan.get("/c/garden/metrics");
    expect(community.response.status).toBe(200);
    expectSoundHeadings(community.body);
    expect(community.body).toContain('aria-label="Members by how they took part" tabindex="0"');
  });
});
