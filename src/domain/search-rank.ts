import type { Db } from "../db/client.ts";

/** Result counts above this are shown as "1,000+", and no more matches than this are ranked. */
export const MAX_COUNTED = 1000;

/** What to rank: SQL conditions over `items_fts` (with `@match`) and `items i`, and their parameters. */
export interface RankInput {
  conditions: string;
  params: Record<string, unknown>;
  /** The FTS5 query that finds the words in titles only. */
  titleMatch: string;
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
  const newest = (withScore: boolean) => `SELECT items_fts.rowid AS id
      ${withScore ? ", bm25(items_fts, 5.0, 1.0) AS score" : ""}
    FROM items_fts JOIN items i ON i.id = items_fts.rowid
    WHERE ${input.conditions} ORDER BY items_fts.rowid DESC LIMIT ${MAX_COUNTED}`;
  const candidates = (db.$client.prepare(newest(false)).all(input.params) as { id: number }[]).map(
    (r) => r.id,
  );
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
