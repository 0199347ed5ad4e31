import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { itemGroups, items } from "../../db/schema/index.ts";
import { renderMarkdown } from "../html.ts";
import { findMentioned, mentionHref } from "../mentions.ts";

// `[[Page name]]` in a wiki page links to the page of that name in the same community's wiki.
// Pages come and go, so the links are worked out when the page is shown, not when it was
// saved: a page written later turns its missing links into ordinary ones.

/** The live wiki page of a community with this title (any case), if there is one. */
export function findWikiPageByTitle(db: Db, groupId: number, title: string): number | undefined {
  return db
    .select({ id: items.id })
    .from(items)
    .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
    .where(
      and(
        eq(itemGroups.groupId, groupId),
        eq(items.kind, "wiki"),
        isNull(items.deletedAt),
        sql`lower(${items.title}) = lower(${title.trim()})`,
      ),
    )
    .get()?.id;
}

/**
 * A wiki page's Markdown as shown in its community (`wikiPath` is that community's wiki, e.g.
 * `/c/garden/wiki`): wiki links lead to their pages, or to the form that writes a missing one
 * with its title filled in; mentions link to the people they name.
 */
export function renderWikiText(
  db: Db,
  origin: string,
  groupId: number,
  wikiPath: string,
  markdown: string,
): string {
  const localHost = new URL(origin).host;
  return renderMarkdown(markdown, {
    wikiPage: (title) => {
      const id = findWikiPageByTitle(db, groupId, title);
      return id !== undefined
        ? { href: `${wikiPath}/${id}`, exists: true }
        : { href: `${wikiPath}/new?title=${encodeURIComponent(title)}`, exists: false };
    },
    mention: (written) => {
      const person = findMentioned(db, localHost, written);
      return person ? mentionHref(person) : undefined;
    },
  });
}
