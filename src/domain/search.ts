import type { Db } from "../db/client.ts";
import { itemHrefsOf } from "./item-links.ts";
import type { ItemRow } from "./items.ts";
import { rankMatches } from "./search-rank.ts";
import { markedExtract, searchTerms } from "./search-snippets.ts";
import { viewerParam, visibleItemSql } from "./visible-items.ts";

/**
 * Turns whatever someone typed into a safe FTS5 query: every word becomes a quoted string
 * (inner quotes doubled), so FTS5 operators and punctuation (`"`, `*`, `(`, `NEAR`, `-`, `:`,
 * `^`) are searched for as text, never parsed. Words are ANDed (ORed with `any`); with `prefix` each also
 * matches longer words ("plan" finds "planning"). Returns null when nothing searchable is left.
 */
export function ftsQuery(
  input: string,
  options: { prefix?: boolean; any?: boolean } = {},
): string | null {
  const terms = input
    .split(/\s+/)
    // Only letters and digits reach the index; a term of pure punctuation would match nothing.
    .map((t) => t.replace(/[^\p{L}\p{N}]+/gu, " ").trim())
    .filter((t) => t.length > 0)
    .slice(0, 12);
  if (terms.length === 0) return null;
  return terms
    .map((t) => `"${t.replaceAll('"', '""')}"${options.prefix ? "*" : ""}`)
    .join(options.any ? " OR " : " ");
}

/** What a search looks through. */
export type SearchType = ItemRow["kind"] | "person" | "community" | "tag";

/** What someone asked for on the search page. */
export interface SearchQuery {
  q: string;
  type?: SearchType;
  /** Handle of a community (Group actor id or handle) to search within. */
  communityId?: number;
  from?: Date;
  to?: Date;
  page?: number;
}

/** One search hit; `snippet` holds SNIPPET_START/SNIPPET_END marks around matched words. */
export interface SearchHit {
  type: SearchType;
  id: number;
  title: string;
  snippet: string;
  date: Date | null;
  /** Items: the first community; actors: their handle and host. */
  handle: string | null;
  host: string | null;
  isLocal: boolean;
  /** Items: where the hit is shown (a reply's place in its thread); see itemHrefOf. */
  href?: string | null;
  /** Items: the name of the community shown with the hit (one the viewer may see). */
  communityName?: string | null;
}

const ITEM_KINDS = new Set(["topic", "reply", "entry", "wiki", "event", "poll", "document"]);
const PER_PAGE = 20;

/** Result counts above this are shown as "1,000+" (see search-rank.ts). */
export { MAX_COUNTED } from "./search-rank.ts";

interface ItemHitRow {
  id: number;
  kind: ItemRow["kind"];
  title: string;
  snippet: string;
  publishedAt: number;
  groupHandle: string | null;
  groupHost: string | null;
  groupName: string | null;
  isLocal: number;
}

/** Content the viewer may see matching the query, best first (bm25, titles weigh more). */
export function searchItems(db: Db, viewerId: number | null | undefined, query: SearchQuery) {
  const match = ftsQuery(query.q, { prefix: true });
  if (!match) return { hits: [] as SearchHit[], total: 0 };
  const where = [visibleItemSql("i")];
  const params: Record<string, unknown> & { match: string } = {
    match,
    viewer: viewerParam(viewerId),
  };
  if (query.type && ITEM_KINDS.has(query.type)) {
    where.push("i.kind = @kind");
    params.kind = query.type;
  }
  if (query.communityId) {
    where.push(
      "EXISTS (SELECT 1 FROM item_groups ig WHERE ig.item_id = i.id AND ig.group_id = @group)",
    );
    params.group = query.communityId;
  }
  if (query.from) {
    where.push("i.published_at >= @from");
    params.from = query.from.getTime();
  }
  if (query.to) {
    where.push("i.published_at < @to");
    params.to = query.to.getTime();
  }
  const page = Math.max(1, query.page ?? 1);
  // Ranking first and making snippets only for the page's rows saves most of the work.
  const { ids, total } = rankMatches(db, {
    conditions: where.join(" AND "),
    params,
    wholeWords: ftsQuery(query.q) ?? undefined,
    offset: (page - 1) * PER_PAGE,
    limit: PER_PAGE,
  });
  if (ids.length === 0) return { hits: [] as SearchHit[], total };
  const details = db.$client
    .prepare(
      `SELECT i.id, i.kind, i.title, i.published_at AS publishedAt, i.is_local AS isLocal,
         (${shownGroup("handle")}) AS groupHandle, (${shownGroup("host")}) AS groupHost,
         (${shownGroup("name")}) AS groupName
       FROM items i WHERE i.id IN (SELECT value FROM json_each(@ids))`,
    )
    .all({ ids: JSON.stringify(ids), viewer: viewerParam(viewerId) }) as Omit<
    ItemHitRow,
    "snippet"
  >[];
  const snippets = snippetsOf(db, query.q, ids);
  const byId = new Map(details.map((d) => [d.id, { ...d, snippet: snippets.get(d.id) ?? "" }]));
  const rows = ids.map((id) => byId.get(id)).filter((r): r is ItemHitRow => r !== undefined);
  const links = itemHrefsOf(
    db,
    rows.map((r) => r.id),
  );
  const hits: SearchHit[] = rows.map((r) => ({
    type: r.kind,
    id: r.id,
    title: r.title,
    snippet: r.snippet ?? "",
    date: new Date(r.publishedAt),
    handle: r.groupHandle,
    host: r.groupHost,
    isLocal: r.isLocal === 1,
    href: links.get(r.id) ?? null,
    communityName: r.groupName,
  }));
  return { hits, total };
}

/**
 * SQL for one column of the community a hit is shown in: the first of the item's communities
 * the viewer may see. A post shared into a public and a private community must not name the
 * private one to someone outside it.
 */
function shownGroup(column: "handle" | "host" | "name"): string {
  return `SELECT g.${column} FROM item_groups ig JOIN actors g ON g.id = ig.group_id
    LEFT JOIN communities c ON c.actor_id = g.id
    WHERE ig.item_id = i.id AND (c.visibility IS NULL OR c.visibility = 'public'
      OR EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = g.id
        AND m.member_id = @viewer AND m.state = 'active'))
    ORDER BY ig.rowid LIMIT 1`;
}

/**
 * Highlighted extracts for one page of hits, made from their text (search-snippets.ts says why
 * not by FTS5); a hit none of whose words match (found by its title, or by a word's stem)
 * shows the start of its text instead.
 */
function snippetsOf(db: Db, q: string, ids: number[]): Map<number, string> {
  const terms = searchTerms(q);
  const rows = db.$client
    .prepare(
      `SELECT rowid AS id, body FROM items_fts WHERE rowid IN (SELECT value FROM json_each(@ids))`,
    )
    .all({ ids: JSON.stringify(ids) }) as { id: number; body: string | null }[];
  return new Map(
    rows.map((r) => [r.id, markedExtract(r.body ?? "", terms) ?? leadingWords(r.body ?? "")]),
  );
}

/** The first two dozen words of a text, with an ellipsis when there is more. */
function leadingWords(text: string): string {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  return words.length > 24 ? `${words.slice(0, 24).join(" ")}…` : words.join(" ");
}

/**
 * People or communities matching the query. Private communities are found by name like public
 * ones only by their members; everyone else never learns they exist from search.
 */
export function searchActors(
  db: Db,
  viewerId: number | null | undefined,
  q: string,
  kind: "Person" | "Group",
  limit = PER_PAGE,
): SearchHit[] {
  const match = ftsQuery(q, { prefix: true });
  if (!match) return [];
  const privacy =
    kind === "Group"
      ? `AND NOT EXISTS (SELECT 1 FROM communities c WHERE c.actor_id = a.id AND c.visibility = 'private'
           AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = a.id
             AND m.member_id = @viewer AND m.state = 'active'))
         AND (a.is_local = 1 OR a.manually_approves_followers = 0 OR EXISTS (
           SELECT 1 FROM memberships m WHERE m.group_id = a.id AND m.member_id = @viewer
             AND m.state = 'active'))`
      : "";
  const rows = db.$client
    .prepare(
      `SELECT a.id, a.name, a.handle, a.host, a.is_local AS isLocal,
         snippet(actors_fts, -1, char(2), char(3), '…', 16) AS snippet
       FROM actors_fts JOIN actors a ON a.id = actors_fts.rowid
       WHERE actors_fts MATCH @match AND a.type = @kind ${privacy}
       ORDER BY bm25(actors_fts, 10.0, 8.0, 1.0, 3.0, 3.0) LIMIT @limit`,
    )
    .all({ match, kind, viewer: viewerParam(viewerId), limit }) as {
    id: number;
    name: string;
    handle: string;
    host: string;
    isLocal: number;
    snippet: string | null;
  }[];
  return rows.map((r) => ({
    type: kind === "Group" ? "community" : "person",
    id: r.id,
    title: r.name || r.handle,
    snippet: r.snippet ?? "",
    date: null,
    handle: r.handle,
    host: r.host,
    isLocal: r.isLocal === 1,
  }));
}

/** Tags whose names start with the query's words and that are on at least one visible item. */
export function searchTags(db: Db, viewerId: number | null | undefined, q: string): SearchHit[] {
  const words = q
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/^#+/, ""))
    .filter((w) => w.length > 0);
  if (words.length === 0) return [];
  const like = words.map((_, n) => `t.name LIKE @w${n} ESCAPE '\\'`).join(" OR ");
  const params: Record<string, unknown> = { viewer: viewerParam(viewerId) };
  words.forEach((w, n) => {
    params[`w${n}`] = `${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  });
  const rows = db.$client
    .prepare(
      `SELECT t.id, t.name, t.display, COUNT(DISTINCT i.id) AS n FROM tags t
       JOIN taggings tg ON tg.tag_id = t.id JOIN items i ON i.id = tg.item_id
       WHERE (${like}) AND ${visibleItemSql("i")}
       GROUP BY t.id ORDER BY n DESC LIMIT 10`,
    )
    .all(params) as { id: number; name: string; display: string; n: number }[];
  return rows.map((r) => ({
    type: "tag",
    id: r.id,
    title: r.display,
    snippet: `${r.n} ${r.n === 1 ? "item" : "items"}`,
    date: null,
    handle: r.name,
    host: null,
    isLocal: true,
  }));
}

/** Everything a search page shows: content hits plus matching people, communities and tags. */
export interface SearchResults {
  items: SearchHit[];
  total: number;
  people: SearchHit[];
  communities: SearchHit[];
  tags: SearchHit[];
}

/**
 * Site-wide search over everything the viewer may see. Content is filtered by type, community
 * and date; people, communities and tags appear beside it on the first page unless a filter
 * narrows the search to one of them (or to content).
 */
export function search(
  db: Db,
  viewerId: number | null | undefined,
  query: SearchQuery,
): SearchResults {
  const type = query.type;
  const onlyContent = !!type && ITEM_KINDS.has(type);
  const narrowed = onlyContent || !!query.communityId || !!query.from || !!query.to;
  const firstPage = (query.page ?? 1) <= 1;
  const wantItems = !type || onlyContent;
  const { hits, total } = wantItems ? searchItems(db, viewerId, query) : { hits: [], total: 0 };
  const side = (t: SearchType) => type === t || (!type && !narrowed && firstPage);
  return {
    items: hits,
    total,
    people: side("person") ? searchActors(db, viewerId, query.q, "Person", type ? 50 : 5) : [],
    communities: side("community")
      ? searchActors(db, viewerId, query.q, "Group", type ? 50 : 5)
      : [],
    tags: side("tag") ? searchTags(db, viewerId, query.q) : [],
  };
}
