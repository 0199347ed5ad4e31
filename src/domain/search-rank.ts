import type { Db } from "../db/client.ts";

/** Result counts above this are shown as "1,000+", and no more matches than this are ranked. */
export const MAX_COUNTED = 1000;

/**
 * What to rank: SQL conditions over `items i` besides the full-text match, their parameters,
 * and `params.match`, the FTS5 query (over titles and bodies in `items_fts`, over titles alone
 * in `items_title_fts`).
 */
export interface RankInput {
  conditions: string;
  params: Record<string, unknown> & { match: string };
  /**
   * The same query for the whole words only (no prefixes), tried first: FTS5 answers it newest
   * first and stops at the cap, where a prefix query must first merge every match of every
   * word the prefix stands for (6 ms for a word in each of 100,000 items, 0.5 ms whole).
   */
  wholeWords?: string;
  offset: number;
  limit: number;
}

/**
 * The ids of one page of matching items, best first, and how many matched (at most
 * MAX_COUNTED). The work is capped: the newest MAX_COUNTED matches the viewer may see are found
 * by walking the full-text index newest first (ids grow with time) and stopping there.
 *
 * When fewer than that match, they are ranked by bm25 with titles weighing five times the body,
 * as always. When more match, bm25 would have to read every match on the instance to weigh the
 * words (that pass, not the ranking, is what made a common word take seconds), and words that
 * common carry little weight in bm25 anyway; so the newest matches with the words in their
 * title come first, then the other newest matches.
 */
export function rankMatches(db: Db, input: RankInput): { ids: number[]; total: number } {
  // When the whole words alone reach the cap, the prefixes could only add matches beyond it
  // (whole-word matches come first anyway), so the cheaper queries decide the page.
  if (input.wholeWords) {
    const whole = { ...input.params, match: input.wholeWords };
    const found = newestIds(db, input.conditions, whole);
    if (found.length >= MAX_COUNTED) return rankCapped(db, { ...input, params: whole }, found);
  }
  return rankCapped(db, input, newestIds(db, input.conditions, input.params));
}

/**
 * The newest MAX_COUNTED matching ids (with their bm25 scores when asked), as SQL, from the
 * index of titles and bodies or (`titles`) of titles alone. A title-only query on the first
 * would walk every item holding the words anywhere to look at their titles: 12 ms for a word
 * in each of 100,000 items, 210 ms at 1,000,000, however few titles hold it.
 */
function capped(conditions: string, withScore: boolean, titles = false): string {
  const fts = titles ? "items_title_fts" : "items_fts";
  return `SELECT ${fts}.rowid AS id
      ${withScore ? ", bm25(items_fts, 5.0, 1.0) AS score" : ""}
    FROM ${fts} JOIN items i ON i.id = ${fts}.rowid
    WHERE ${fts} MATCH @match AND ${conditions}
    ORDER BY ${fts}.rowid DESC LIMIT ${MAX_COUNTED}`;
}

function newestIds(db: Db, conditions: string, params: Record<string, unknown>): number[] {
  return (db.$client.prepare(capped(conditions, false)).all(params) as { id: number }[]).map(
    (r) => r.id,
  );
}

function rankCapped(
  db: Db,
  input: RankInput,
  candidates: number[],
): { ids: number[]; total: number } {
  const newest = (withScore: boolean) => capped(input.conditions, withScore);
  const total = candidates.length;
  const end = input.offset + input.limit;
  if (total < MAX_COUNTED) {
    const ranked = db.$client
      .prepare(
        `SELECT id FROM (${newest(true)}) ORDER BY score, id DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ ...input.params, limit: input.limit, offset: input.offset }) as { id: number }[];
    return { ids: ranked.map((r) => r.id), total };
  }
  const inTitle = (
    db.$client.prepare(capped(input.conditions, false, true)).all(input.params) as {
      id: number;
    }[]
  ).map((r) => r.id);
  const first = new Set(inTitle);
  const ordered = [...inTitle, ...candidates.filter((id) => !first.has(id))];
  return { ids: ordered.slice(input.offset, end), total };
}
