import type { Db } from "../db/client.ts";

/** Result counts above this are shown as "1,000+", and no more matches than this are ranked. */
export const MAX_COUNTED = 1000;

/** What to rank: SQL conditions over `items_fts` (with `@match`) and `items i`, and their parameters. */
export interface RankInput {
  conditions: string;
  params: Record<string, unknown>;
  /** The FTS5 query that finds the words in titles only. */
  titleMatch: string;
  /**
   * The same two queries for the whole words only (no prefixes), tried first: FTS5 answers
   * them newest first and stops at the cap, where a prefix query must first merge every match
   * of every word the prefix stands for (6 ms for a word in each of 100,000 items, 0.5 ms whole).
   */
  wholeWords?: { match: string; titleMatch: string };
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
    const whole = { ...input.params, match: input.wholeWords.match };
    const found = newestIds(db, input.conditions, whole);
    if (found.length >= MAX_COUNTED) {
      const titled = { ...input, params: whole, titleMatch: input.wholeWords.titleMatch };
      return rankCapped(db, titled, found);
    }
  }
  return rankCapped(db, input, newestIds(db, input.conditions, input.params));
}

/** The newest MAX_COUNTED matching ids (with their bm25 scores when asked), as SQL. */
function capped(conditions: string, withScore: boolean): string {
  return `SELECT items_fts.rowid AS id
      ${withScore ? ", bm25(items_fts, 5.0, 1.0) AS score" : ""}
    FROM items_fts JOIN items i ON i.id = items_fts.rowid
    WHERE ${conditions} ORDER BY items_fts.rowid DESC LIMIT ${MAX_COUNTED}`;
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
    db.$client.prepare(newest(false)).all({ ...input.params, match: input.titleMatch }) as {
      id: number;
    }[]
  ).map((r) => r.id);
  const first = new Set(inTitle);
  const ordered = [...inTitle, ...candidates.filter((id) => !first.has(id))];
  return { ids: ordered.slice(input.offset, end), total };
}
