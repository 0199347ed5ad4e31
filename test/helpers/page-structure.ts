import { expect } from "vitest";

// Checks on a page's HTML that need no browser: its title and the order of its headings. They
// guard what an accessibility review found, so a page that regresses fails a fast test.

/** The text of the page's <title>, with entities for the characters Copse escapes decoded. */
export function pageTitle(html: string): string {
  const match = /<title>([^<]*)<\/title>/.exec(html);
  return (match?.[1] ?? "")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * The levels of the page's headings in document order. The error summary's and notification
 * banners' headings come before the h1 in GOV.UK's pattern, so they are left out.
 */
export function headingLevels(html: string): number[] {
  const outside = html.replace(
    /<h2 class="govuk-(?:error-summary|notification-banner)__title"[^>]*>[\s\S]*?<\/h2>/g,
    "",
  );
  return [...outside.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
}

/** Expects exactly one h1, first, and no heading more than one level below the one before. */
export function expectSoundHeadings(html: string): void {
  const levels = headingLevels(html);
  const where = `headings ${levels.map((l) => `h${l}`).join(", ")} on "${pageTitle(html)}"`;
  expect(
    levels.filter((l) => l === 1),
    where,
  ).toHaveLength(1);
  expect(levels[0], where).toBe(1);
  for (let i = 1; i < levels.length; i++) {
    expect(levels[i]! - levels[i - 1]!, where).toBeLessThanOrEqual(1);
  }
}

/** Expects a failed form's page: "Error: " before its usual title, and sound headings. */
export function expectErrorPage(html: string, title: string): void {
  expect(pageTitle(html)).toMatch(new RegExp(`^Error: ${escapeRegExp(title)} – `));
  expect(html).toContain('class="govuk-error-summary"');
  expectSoundHeadings(html);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
