import type { Db } from "../../db/client.ts";
import { findCommunity } from "../communities.ts";
import { isActiveMember } from "../membership.ts";
import { communityPagePath } from "../paths.ts";
import { enabledSections, isSectionId, SECTIONS, type SectionId } from "../sections.ts";
import { viewerParam, visibleItemSql } from "../visible-items.ts";
import {
  absolute,
  escapeHtml,
  FEED_SIZE,
  type FeedData,
  type FeedEntry,
  feedOf,
} from "./feed-data.ts";
import { itemEntries, safeHttpUrl } from "./feed-items.ts";

// The feed of each section of a local community. A private community's feeds exist only for
// its active members (who reach them with their feed token); to anyone else they are answered
// exactly like a community that does not exist, so a feed address never confirms one.

/** The item kind each item-based section lists. */
const SECTION_KINDS: Partial<Record<SectionId, string>> = {
  forum: "topic",
  blog: "entry",
  events: "event",
  documents: "document",
  polls: "poll",
};

/** What a section's feed describes itself as. */
const SECTION_DESCRIPTIONS: Record<SectionId, string> = {
  forum: "New forum topics",
  blog: "New blog entries",
  wiki: "Changes to wiki pages",
  events: "New events",
  documents: "New documents",
  polls: "New polls",
  news: "News from the feeds the community follows",
};

/**
 * The feed of one section of a local community as a viewer may see it, or null when there is
 * no such community or section, the section is switched off, or the community is private and
 * the viewer is not one of its active members.
 */
export function communitySectionFeed(
  db: Db,
  origin: string,
  handle: string,
  section: string,
  viewerId: number | null,
): FeedData | null {
  const community = findCommunity(db, handle.toLowerCase());
  if (!community || !isSectionId(section)) return null;
  const group = community.actor;
  if (community.visibility === "private" && !(viewerId && isActiveMember(db, group.id, viewerId)))
    return null;
  if (!enabledSections(db, group.id).has(section)) return null;
  const label = SECTIONS.find((s) => s.id === section)!.label;
  const page = absolute(origin, `${communityPagePath(group.handle)}/${section}`);
  const head = {
    id: page,
    title: `${group.name}: ${label}`,
    description: `${SECTION_DESCRIPTIONS[section]} in ${group.name}`,
    link: page,
  };
  return feedOf(head, sectionEntries(db, origin, group.id, section, viewerId), community.createdAt);
}

/** Which item kinds each section's pages hold, for the community's feed of everything. */
const SECTION_ITEM_KINDS: Partial<Record<SectionId, string>> = { ...SECTION_KINDS, wiki: "wiki" };

/**
 * The community's one feed of everything new in it: topics, entries, wiki pages, events,
 * documents, polls and the replies and comments under them, from the sections it has switched
 * on, as the viewer may see them. Null on the same terms as a section's feed, so a private
 * community's feed exists only for its active members.
 */
export function communityFeed(
  db: Db,
  origin: string,
  handle: string,
  viewerId: number | null,
): FeedData | null {
  const community = findCommunity(db, handle.toLowerCase());
  if (!community) return null;
  const group = community.actor;
  if (community.visibility === "private" && !(viewerId && isActiveMember(db, group.id, viewerId)))
    return null;
  const sections = enabledSections(db, group.id);
  // The kinds are this module's constants, never input, so they may be written into the SQL.
  const kinds = SECTIONS.filter((s) => sections.has(s.id))
    .map((s) => SECTION_ITEM_KINDS[s.id])
    .filter((kind): kind is string => kind !== undefined)
    .map((kind) => `'${kind}'`)
    .join(", ");
  const page = absolute(origin, communityPagePath(group.handle));
  const head = {
    id: page,
    title: group.name,
    description: `Everything new in ${group.name}`,
    link: page,
  };
  const entries = kinds
    ? itemEntries(db, origin, {
        where: `EXISTS (SELECT 1 FROM item_groups fg WHERE fg.item_id = i.id AND fg.group_id = @group)
          AND (i.kind IN (${kinds}) OR (i.kind = 'reply'
            AND (SELECT fr.kind FROM items fr WHERE fr.id = i.root_id) IN (${kinds})))`,
        params: { group: group.id },
        viewerId,
        preferGroupId: group.id,
      })
    : [];
  return feedOf(head, entries, community.createdAt);
}

function sectionEntries(
  db: Db,
  origin: string,
  groupId: number,
  section: SectionId,
  viewerId: number | null,
): FeedEntry[] {
  if (section === "wiki") return wikiChanges(db, origin, groupId, viewerId);
  if (section === "news") return newsEntries(db, groupId, origin);
  return itemEntries(db, origin, {
    where: `i.kind = @kind AND EXISTS (SELECT 1 FROM item_groups fg
      WHERE fg.item_id = i.id AND fg.group_id = @group)`,
    params: { kind: SECTION_KINDS[section], group: groupId },
    viewerId,
    preferGroupId: groupId,
  });
}

/** Every saved revision of the community's visible wiki pages, newest first, with its reason. */
function wikiChanges(
  db: Db,
  origin: string,
  groupId: number,
  viewerId: number | null,
): FeedEntry[] {
  const rows = db.$client
    .prepare(
      `SELECT r.id, r.number, r.title, r.body_html AS bodyHtml, r.reason, r.created_at AS createdAt,
         r.iri, i.id AS pageId, g.handle AS groupHandle, a.name AS authorName, a.handle AS authorHandle
       FROM wiki_revisions r
       JOIN items i ON i.id = r.item_id
       JOIN item_groups ig ON ig.item_id = i.id AND ig.group_id = @group
       JOIN actors g ON g.id = ig.group_id
       JOIN actors a ON a.id = r.author_id
       WHERE i.kind = 'wiki' AND ${visibleItemSql("i")}
       ORDER BY r.created_at DESC, r.id DESC LIMIT @limit`,
    )
    .all({ group: groupId, viewer: viewerParam(viewerId), limit: FEED_SIZE }) as {
    id: number;
    number: number;
    title: string;
    bodyHtml: string;
    reason: string;
    createdAt: number;
    iri: string;
    pageId: number;
    groupHandle: string;
    authorName: string;
    authorHandle: string;
  }[];
  return rows.map((r) => {
    const at = new Date(r.createdAt);
    const what = r.number === 1 ? "New page" : `Revision ${r.number}`;
    const reason = r.reason ? `<p>Reason: ${escapeHtml(r.reason)}</p>` : "";
    return {
      id: r.iri,
      title: `${r.title} (${what.toLowerCase()})`,
      link: absolute(
        origin,
        `${communityPagePath(r.groupHandle)}/wiki/${r.pageId}/revisions/${r.number}`,
      ),
      published: at,
      updated: at,
      authorName: r.authorName || r.authorHandle,
      contentHtml: `<p>${what}.</p>${reason}${r.bodyHtml}`,
    };
  });
}

/**
 * The entries of every news feed the community follows, newest first. The news tables are
 * read directly (entries are sanitized when they are fetched), so this stays apart from the
 * aggregator's code; a community's feeds are only ever shown to those who may read it.
 */
function newsEntries(db: Db, groupId: number, origin: string): FeedEntry[] {
  const rows = db.$client
    .prepare(
      `SELECT e.id, e.link, e.title, e.summary_html AS summaryHtml, e.author,
         e.published_at AS publishedAt, f.title AS feedTitle, g.handle AS groupHandle
       FROM news_entries e JOIN news_feeds f ON f.id = e.feed_id JOIN actors g ON g.id = f.group_id
       WHERE f.group_id = ?
       ORDER BY e.published_at DESC, e.id DESC LIMIT ?`,
    )
    .all(groupId, FEED_SIZE) as {
    id: number;
    link: string | null;
    title: string;
    summaryHtml: string;
    author: string | null;
    publishedAt: number;
    feedTitle: string;
    groupHandle: string;
  }[];
  return rows.map((r) => {
    const newsPage = absolute(origin, `${communityPagePath(r.groupHandle)}/news`);
    const at = new Date(r.publishedAt);
    const source = r.feedTitle ? `<p>From ${escapeHtml(r.feedTitle)}</p>` : "";
    return {
      id: `${newsPage}#entry-${r.id}`,
      title: r.title || "News",
      link: safeHttpUrl(r.link) ?? newsPage,
      published: at,
      updated: at,
      authorName: r.author || r.feedTitle || "",
      contentHtml: `${source}${r.summaryHtml}`,
    };
  });
}
