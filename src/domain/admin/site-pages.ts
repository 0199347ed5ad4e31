import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { cachedUntilChange } from "../../db/generation.ts";
import { instanceSettings } from "../../db/schema/index.ts";
import { ValidationError } from "../errors.ts";
import { renderMarkdown } from "../html.ts";

// The instance's own pages, which its administrators write: its rules, its privacy notice and
// its accessibility statement (all linked from every page's footer), and who runs it. They are
// kept as Markdown in instance_settings (one row each; a missing row means the default below)
// and rendered through the same sanitiser as posts, so nothing an administrator types can put
// script into a page.

/** The pages the footer links to, in its order. */
export const SITE_PAGES = [
  { id: "rules", title: "Rules" },
  { id: "privacy", title: "Privacy notice" },
  { id: "accessibility", title: "Accessibility statement" },
] as const;

/** One of the administrator-written pages. */
export type SitePageId = (typeof SITE_PAGES)[number]["id"];

/** Whether a string names one of the pages. */
export function isSitePageId(value: string): value is SitePageId {
  return SITE_PAGES.some((p) => p.id === value);
}

/** The longest a page may be, in characters of Markdown. */
export const SITE_PAGE_MAX = 20_000;
/** The longest "who runs it" may be. */
export const OPERATOR_MAX = 200;

const OPERATOR_KEY = "site.operator";
const pageKey = (id: SitePageId) => `site.page.${id}`;

/** What each page says until an administrator writes it. */
const DEFAULTS: Record<SitePageId, (instanceName: string) => string> = {
  rules: (name) =>
    `Everyone on ${name} agrees to:\n\n` +
    "- be kind and assume good intent;\n" +
    "- share what they know and credit others' work;\n" +
    "- keep personal and confidential information out of public posts;\n" +
    "- report anything that breaks these rules rather than answer it.\n\n" +
    "Each community may add rules of its own, shown on its home page.",
  privacy: (name) =>
    `${name} keeps what you give it to run your account and your communities: your name, ` +
    "email address, profile and what you post. Posts in public communities can be read by " +
    "anyone and are sent to other servers that follow them; posts in private communities only " +
    "to their members. You can download your data or delete your account from your account page.\n\n" +
    "The administrators have not yet written the full privacy notice.",
  accessibility: (name) =>
    `${name} runs Copse, which aims to meet the Web Content Accessibility Guidelines (WCAG) ` +
    "2.2 at level AA: every page works without JavaScript, with a keyboard and with a screen " +
    "reader, and text can be made larger from the footer.\n\n" +
    "If something does not work for you, tell the administrators.",
};

/** Who runs the instance, as the footer says it; empty until an administrator says. */
export function siteOperator(db: Db): string {
  // In every page's footer: read once per change of the database, not once per page.
  return operators(
    db,
    "operator",
    () =>
      db.select().from(instanceSettings).where(eq(instanceSettings.key, OPERATOR_KEY)).get()
        ?.value ?? "",
  );
}

const operators = cachedUntilChange<"operator", string>(1);

/** A page's Markdown: what the administrators wrote, or the default, and which it is. */
export function sitePageSource(
  db: Db,
  id: SitePageId,
  instanceName: string,
): { markdown: string; isDefault: boolean } {
  const row = db
    .select()
    .from(instanceSettings)
    .where(eq(instanceSettings.key, pageKey(id)))
    .get();
  return row
    ? { markdown: row.value, isDefault: false }
    : { markdown: DEFAULTS[id](instanceName), isDefault: true };
}

/** A page as safe HTML, ready for its template. */
export function sitePageHtml(db: Db, id: SitePageId, instanceName: string): string {
  return renderMarkdown(sitePageSource(db, id, instanceName).markdown);
}

/** What the administrators' form sends: who runs the instance and each page's Markdown. */
export type SitePagesInput = { operator: string } & Record<SitePageId, string>;

/**
 * Saves who runs the instance and the three pages, after checking their lengths; an empty page
 * goes back to its default. Throws ValidationError (and saves nothing) when any is too long.
 */
export function saveSitePages(db: Db, input: SitePagesInput): void {
  const operator = input.operator.trim();
  const errors = [];
  if (operator.length > OPERATOR_MAX)
    errors.push({
      field: "operator",
      message: `Who runs it must be ${OPERATOR_MAX} characters or fewer`,
    });
  for (const page of SITE_PAGES) {
    if (input[page.id].length > SITE_PAGE_MAX)
      errors.push({
        field: page.id,
        message: `The ${page.title.toLowerCase()} must be ${SITE_PAGE_MAX.toLocaleString("en-GB")} characters or fewer`,
      });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  db.transaction((tx) => {
    const set = (key: string, value: string) =>
      tx
        .insert(instanceSettings)
        .values({ key, value })
        .onConflictDoUpdate({ target: instanceSettings.key, set: { value } })
        .run();
    const cleared: string[] = [];
    if (operator) set(OPERATOR_KEY, operator);
    else cleared.push(OPERATOR_KEY);
    for (const page of SITE_PAGES) {
      const markdown = input[page.id].trim();
      if (markdown) set(pageKey(page.id), markdown);
      else cleared.push(pageKey(page.id));
    }
    if (cleared.length > 0)
      tx.delete(instanceSettings).where(inArray(instanceSettings.key, cleared)).run();
  });
}
