import type { Db } from "../db/client.ts";
import { cachedUntilChange, frozen } from "../db/generation.ts";
import { SERVICE_AREAS } from "./person-details.ts";
import { ftsQuery } from "./search.ts";
import { MAX_COUNTED } from "./search-rank.ts";

/** Which part of a profile to look in; "any" looks everywhere. */
export type FinderField =
  | "any"
  | "name"
  | "expertise"
  | "interest"
  | "service-area"
  | "organisation";

/** Why a person turned up: the field and the words there that matched. */
export interface MatchReason {
  field:
    | "name"
    | "handle"
    | "job title"
    | "organisation"
    | "bio"
    | "expertise"
    | "interest"
    | "service area";
  value: string;
}

/** One person found, with the reasons they match, best first. */
export interface FoundPerson {
  id: number;
  name: string;
  handle: string;
  host: string;
  isLocal: boolean;
  jobTitle: string;
  organisation: string;
  reasons: MatchReason[];
}

const LIMIT = 30;

interface ActorHit {
  id: number;
  name: string;
  handle: string;
  host: string;
  isLocal: number;
  jobTitle: string;
  organisation: string;
  summary: string;
}

// The FTS5 column filter for each field the finder can be narrowed to.
const COLUMNS: Partial<Record<FinderField, string>> = {
  any: "{name handle summary job_title organisation}",
  name: "{name handle}",
  organisation: "{organisation}",
};

const ACTOR_COLUMNS = `a.id, a.name, a.handle, a.host, a.is_local AS isLocal,
  a.job_title AS jobTitle, a.organisation, a.summary`;

/** How many people found by their profile's words are shown before the other ways of finding. */
const RANKED = 100;

/**
 * The people whose profile text matches, best first (at most RANKED). The work is capped as
 * search's is (search-rank.ts): FTS5's bm25 counts every match of each word on the instance
 * before it scores the first row, so a word in everyone's profile ("council") cost a pass over
 * every person. Matches are found by walking the index newest first and stopping at
 * MAX_COUNTED; when fewer match, they are ranked by bm25 as always. When more match, words
 * that common weigh little in bm25 anyway, so those with the words whole in their name or
 * handle (the fields bm25 weighs most; the organisation when searching organisations) come
 * first, then the other matches, each newest first.
 */
function rankedPeople(db: Db, columns: string, q: string): ActorHit[] {
  const sqlite = db.$client;
  const match = (cols: string, prefix: boolean) => {
    const words = ftsQuery(q, { prefix });
    return words ? `${cols} : (${words})` : null;
  };
  const all = match(columns, true);
  if (all === null) return [];
  const from = `FROM actors_fts JOIN actors a ON a.id = actors_fts.rowid
    WHERE actors_fts MATCH @match AND a.type = 'Person' AND a.deleted_at IS NULL`;
  const newest = (
    sqlite
      .prepare(`SELECT a.id ${from} ORDER BY actors_fts.rowid DESC LIMIT ${MAX_COUNTED}`)
      .all({ match: all }) as { id: number }[]
  ).map((r) => r.id);
  if (newest.length < MAX_COUNTED) {
    return sqlite
      .prepare(
        `SELECT ${ACTOR_COLUMNS} ${from}
         ORDER BY bm25(actors_fts, 10.0, 8.0, 1.0, 3.0, 3.0) LIMIT ${RANKED}`,
      )
      .all({ match: all }) as ActorHit[];
  }
  const strong = columns === COLUMNS.any ? (COLUMNS.name as string) : columns;
  const whole = sqlite
    .prepare(`SELECT ${ACTOR_COLUMNS} ${from} ORDER BY actors_fts.rowid DESC LIMIT ${RANKED}`)
    .all({ match: match(strong, false) }) as ActorHit[];
  const first = new Set(whole.map((p) => p.id));
  const rest = newest.filter((id) => !first.has(id)).slice(0, RANKED - whole.length);
  const details = new Map(
    (
      sqlite
        .prepare(
          `SELECT ${ACTOR_COLUMNS} FROM actors a WHERE a.id IN (SELECT value FROM json_each(@ids))`,
        )
        .all({ ids: JSON.stringify(rest) }) as ActorHit[]
    ).map((p) => [p.id, p]),
  );
  return [...whole, ...rest.flatMap((id) => details.get(id) ?? [])];
}

/** Words of a query, lower-case, punctuation dropped, for matching tags and reasons. */
function wordsOf(q: string): string[] {
  return q
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}-]+/gu, ""))
    .filter((w) => w.length > 0)
    .slice(0, 12);
}

function matchesAll(text: string, words: string[]): boolean {
  const hay = text.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * Finds people, local and remote, by name, expertise, interest, service area, organisation or
 * free text. Every person the instance knows is a candidate; each result says which fields
 * matched so people can judge the suggestion. Only profile fields are used, never anything
 * from private communities, so the finder leaks nothing about them.
 */
export function findPeople(db: Db, q: string, field: FinderField = "any"): FoundPerson[] {
  // The answer depends on the words and the field alone, never on who asks, and the same
  // searches come back (a service, an organisation): kept until a change, frozen as shared.
  return keptFinds(db, `${field}\u0000${q}`, () => frozen(readPeople(db, q, field)));
}

const keptFinds = cachedUntilChange<string, FoundPerson[]>(500);

function readPeople(db: Db, q: string, field: FinderField): FoundPerson[] {
  const words = wordsOf(q);
  if (words.length === 0) return [];
  const sqlite = db.$client;
  const found = new Map<number, { person: ActorHit; reasons: MatchReason[]; score: number }>();
  const add = (person: ActorHit, reason: MatchReason, score: number) => {
    const entry = found.get(person.id) ?? { person, reasons: [], score: 0 };
    if (!entry.reasons.some((r) => r.field === reason.field && r.value === reason.value))
      entry.reasons.push(reason);
    entry.score += score;
    found.set(person.id, entry);
  };

  const columns = COLUMNS[field];
  if (columns) {
    const rows = rankedPeople(db, columns, q);
    rows.forEach((p, rank) => {
      const score = 100 - rank;
      // The index stems words, so a field may match without containing the exact letters.
      if (matchesAll(`${p.name} ${p.handle}`, words))
        add(p, { field: "name", value: p.name || p.handle }, score + 50);
      else if (field !== "organisation" && matchesAll(p.jobTitle, words))
        add(p, { field: "job title", value: p.jobTitle }, score);
      else if (field !== "name" && matchesAll(p.organisation, words))
        add(p, { field: "organisation", value: p.organisation }, score);
      else if (field === "any") add(p, { field: "bio", value: q.trim() }, score);
      else
        add(
          p,
          { field: field === "organisation" ? "organisation" : "name", value: q.trim() },
          score,
        );
    });
  }

  // Expertise and interests are stored as normalised tags; a tag matches on any word's prefix
  // or on the whole query joined with hyphens ("adult social care" -> "adult-social-care").
  const tagKinds =
    field === "any"
      ? ["expertise", "interest"]
      : field === "expertise" || field === "interest"
        ? [field]
        : [];
  if (tagKinds.length > 0) {
    const candidates = [...new Set([words.join("-"), ...words])].filter((w) => w.length >= 2);
    const stmt = sqlite.prepare(
      `SELECT ${ACTOR_COLUMNS}, pt.kind, pt.tag FROM person_tags pt JOIN actors a ON a.id = pt.actor_id
       WHERE pt.tag >= @low AND pt.tag < @high AND a.type = 'Person' AND a.deleted_at IS NULL LIMIT 200`,
    );
    // A word may also start a later word of a longer tag ("drainage" in "sustainable
    // drainage"); that needs a scan, but person tags are a small table.
    const inner = sqlite.prepare(
      `SELECT ${ACTOR_COLUMNS}, pt.kind, pt.tag FROM person_tags pt JOIN actors a ON a.id = pt.actor_id
       WHERE instr(' ' || replace(pt.tag, '-', ' '), ' ' || @word) > 1 AND a.type = 'Person' AND a.deleted_at IS NULL LIMIT 200`,
    );
    for (const word of candidates) {
      const rows = [
        ...stmt.all({ low: word, high: `${word}\u{10FFFF}` }),
        ...inner.all({ word }),
      ] as (ActorHit & { kind: "expertise" | "interest"; tag: string })[];
      for (const r of rows)
        if (tagKinds.includes(r.kind))
          add(r, { field: r.kind, value: r.tag }, r.tag === word ? 80 : 60);
    }
  }

  if (field === "any" || field === "service-area") {
    const joined = words.join(" ");
    const areas = SERVICE_AREAS.filter(
      ([code, label]) =>
        code === words.join("-") ||
        label.toLowerCase().includes(joined) ||
        words.every((w) => code.includes(w)),
    );
    const stmt = sqlite.prepare(
      `SELECT ${ACTOR_COLUMNS} FROM person_profiles pp JOIN actors a ON a.id = pp.actor_id
       WHERE (',' || pp.service_areas || ',') LIKE @pattern AND a.type = 'Person' AND a.deleted_at IS NULL LIMIT 200`,
    );
    for (const [code, label] of areas) {
      for (const r of stmt.all({ pattern: `%,${code},%` }) as ActorHit[])
        add(r, { field: "service area", value: label }, 70);
    }
  }

  return [...found.values()]
    .sort((a, b) => b.score - a.score || a.person.name.localeCompare(b.person.name))
    .slice(0, LIMIT)
    .map(({ person, reasons }) => ({
      id: person.id,
      name: person.name,
      handle: person.handle,
      host: person.host,
      isLocal: person.isLocal === 1,
      jobTitle: person.jobTitle,
      organisation: person.organisation,
      reasons,
    }));
}

/** A suggested person and what they share with the viewer. */
export interface SuggestedPerson {
  id: number;
  name: string;
  handle: string;
  host: string;
  isLocal: boolean;
  sharedTags: number;
  sharedCommunities: number;
}

/**
 * People the viewer may want to know: those sharing expertise or interests with them, or
 * communities they are both active members of, on any instance; the most in common first.
 */
export function suggestPeople(db: Db, viewerId: number, limit = 5): SuggestedPerson[] {
  // Asked on every view of a signed-in home page, and a member of a large community has
  // hundreds of people in common to count: kept per person until the database next changes.
  return suggestions(db, `${viewerId}:${limit}`, () => readSuggestions(db, viewerId, limit));
}

const suggestions = cachedUntilChange<string, SuggestedPerson[]>(500);

function readSuggestions(db: Db, viewerId: number, limit: number): SuggestedPerson[] {
  const rows = db.$client
    .prepare(
      `WITH shared AS (
         SELECT other.actor_id AS id, 1 AS tag, 0 AS community
         FROM person_tags mine JOIN person_tags other ON other.tag = mine.tag
         WHERE mine.actor_id = @viewer AND other.actor_id != @viewer
         UNION ALL
         SELECT other.member_id, 0, 1
         FROM memberships mine JOIN memberships other ON other.group_id = mine.group_id
         WHERE mine.member_id = @viewer AND mine.state = 'active'
           AND other.member_id != @viewer AND other.state = 'active')
       SELECT a.id, a.name, a.handle, a.host, a.is_local AS isLocal,
         SUM(s.tag) AS sharedTags, SUM(s.community) AS sharedCommunities
       FROM shared s JOIN actors a ON a.id = s.id
       WHERE a.type = 'Person' AND a.deleted_at IS NULL
       GROUP BY a.id ORDER BY SUM(s.tag) * 2 + SUM(s.community) DESC, a.name LIMIT @limit`,
    )
    .all({ viewer: viewerId, limit }) as (Omit<SuggestedPerson, "isLocal"> & { isLocal: number })[];
  return rows.map((r) => ({ ...r, isLocal: r.isLocal === 1 }));
}
