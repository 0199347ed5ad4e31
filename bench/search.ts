import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/client.ts";
import { runMigrations } from "../src/db/migrate.ts";
import { findPeople } from "../src/domain/people-finder.ts";
import { search } from "../src/domain/search.ts";
import { median, percentile, timeRuns } from "./stats.ts";

const PEOPLE = 10_000;
const ITEMS = 100_000;
const GROUPS = 200;
const QUERIES = 200;

// A small vocabulary so queries hit many rows, which is the slow case for ranking.
const WORDS = (
  "planning housing waste recycling gritting budget procurement tender consultation school " +
  "transport highways library licensing flood drainage parking energy climate care adult " +
  "children digital contract policy strategy report survey committee council officer team"
).split(" ");
const EXPERTISE = ["flood-risk", "procurement", "housing-policy", "gis", "data", "social-care"];
const ORGS = ["Leeds City Council", "Kent County Council", "Bristol City Council", "Fife Council"];

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length]!;
}

// Real writing has a large vocabulary with word frequencies falling off as 1/rank (Zipf), so a
// content word matches a small share of items. The "realistic" run draws from 20,000 words
// that way, with the domain words above placed at middling ranks; the "worst case" run uses
// only the domain words, so every query matches nearly every item and all must be ranked.
const VOCABULARY_SIZE = 20_000;
const REALISTIC_WORDS = Array.from({ length: VOCABULARY_SIZE }, (_, rank) => {
  const domainIndex = rank - 200;
  return domainIndex >= 0 && domainIndex < WORDS.length * 40 && domainIndex % 40 === 0
    ? WORDS[domainIndex / 40]!
    : `w${rank.toString(36)}`;
});
const ZIPF_CUMULATIVE = (() => {
  const weights = REALISTIC_WORDS.map((_, rank) => 1 / (rank + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
})();

let realistic = false;

function zipfWord(x: number): string {
  const target = (x % 1_000_000) / 1_000_000;
  let lo = 0;
  let hi = ZIPF_CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF_CUMULATIVE[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return REALISTIC_WORDS[lo]!;
}

function sentence(seed: number, length: number): string {
  const words: string[] = [];
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    words.push(realistic ? zipfWord(x) : pick(WORDS, x));
  }
  return words.join(" ");
}

/** Fills a fresh database with people, communities, memberships and items by direct SQL. */
function fill(path: string) {
  const db = openDatabase(path);
  runMigrations(db);
  const sqlite = db.$client;
  const now = Date.now();
  sqlite.transaction(() => {
    const actor = sqlite.prepare(
      `INSERT INTO actors (iri, type, handle, host, is_local, name, summary, job_title, organisation)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const tag = sqlite.prepare(
      "INSERT INTO person_tags (actor_id, kind, tag) VALUES (?, 'expertise', ?)",
    );
    for (let i = 1; i <= PEOPLE; i++) {
      const host = i % 3 === 0 ? "remote.example" : "copse.test";
      actor.run(
        `https://${host}/u/p${i}`,
        "Person",
        `p${i}`,
        host,
        host === "copse.test" ? 1 : 0,
        `Person ${i} ${pick(["Smith", "Jones", "Patel", "Brown"], i)}`,
        `<p>${sentence(i, 12)}</p>`,
        pick(["Planning officer", "Waste manager", "Data analyst"], i),
        pick(ORGS, i),
      );
      tag.run(i, pick(EXPERTISE, i));
    }
    for (let g = 0; g < GROUPS; g++) {
      const id = Number(
        actor.run(
          `https://copse.test/c/g${g}`,
          "Group",
          `g${g}`,
          "copse.test",
          1,
          `Group ${g}`,
          "",
          "",
          "",
        ).lastInsertRowid,
      );
      sqlite
        .prepare("INSERT INTO communities (actor_id, visibility) VALUES (?, ?)")
        .run(id, g % 4 === 0 ? "private" : "public");
      for (let m = 0; m < 50; m++)
        sqlite
          .prepare(
            "INSERT OR IGNORE INTO memberships (group_id, member_id, state) VALUES (?, ?, 'active')",
          )
          .run(id, 1 + ((g * 50 + m) % PEOPLE));
    }
    const item = sqlite.prepare(
      `INSERT INTO items (iri, kind, author_id, title, body_html, visibility, status, is_local,
         published_at, updated_at, activity_at) VALUES (?, ?, ?, ?, ?, ?, 'published', 1, ?, ?, ?)`,
    );
    const link = sqlite.prepare("INSERT INTO item_groups (item_id, group_id) VALUES (?, ?)");
    for (let i = 1; i <= ITEMS; i++) {
      const g = i % GROUPS;
      const at = now - i * 60_000;
      const id = item.run(
        `https://copse.test/ap/items/${i}`,
        pick(["topic", "reply", "entry", "wiki"], i),
        1 + (i % PEOPLE),
        sentence(i * 7, 6),
        `<p>${sentence(i, 60)}</p>`,
        g % 4 === 0 ? "members" : "public",
        at,
        at,
        at,
      ).lastInsertRowid;
      link.run(id, PEOPLE + 1 + g);
    }
  })();
  return db;
}

/** Times search and the people finder on 10,000 people and 100,000 items, twice; prints the figures. */
export async function benchSearch(): Promise<void> {
  for (const mode of ["worst case: 34-word vocabulary", "realistic: 20,000-word Zipf vocabulary"]) {
    realistic = mode.startsWith("realistic");
    console.log(`search (${mode})`);
    await runSearchBench();
  }
}

async function runSearchBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "copse-bench-search-"));
  try {
    let started = performance.now();
    const db = fill(join(dir, "bench.db"));
    console.log(
      `search: filled ${PEOPLE} people, ${ITEMS} items in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const queries = Array.from({ length: QUERIES }, (_, i) =>
      i % 2 ? pick(WORDS, i * 7) : `${pick(WORDS, i)} ${pick(WORDS, i * 13 + 5)}`,
    );
    started = performance.now();
    const searchTimes = await timeRuns(QUERIES, async (i) =>
      search(db, i % 2 ? null : 1 + (i % PEOPLE), { q: queries[i]! }),
    );
    const finderQueries = [
      "smith",
      "flood risk",
      "leeds",
      "planning",
      "procurement",
      "patel kent",
      "data",
      "waste",
    ];
    const finderTimes = await timeRuns(QUERIES, async (i) =>
      findPeople(db, pick(finderQueries, i)),
    );
    const fmt = (t: number[]) =>
      `median ${median(t).toFixed(2)} ms, p95 ${percentile(t, 95).toFixed(2)} ms`;
    console.log(`search: site-wide search (${QUERIES} queries): ${fmt(searchTimes)}`);
    console.log(`search: people finder (${QUERIES} queries): ${fmt(finderTimes)}`);
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
