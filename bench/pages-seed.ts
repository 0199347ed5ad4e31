import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/client.ts";
import { runMigrations } from "../src/db/migrate.ts";
import { ensureInstanceActor } from "../src/domain/actors.ts";
import { INSTANCE_ACTOR } from "../src/domain/paths.ts";
import {
  addCommunity,
  addItems,
  addPeople,
  BENCH_ORIGIN,
  newId,
  RETURNING_ID,
} from "./bench-db.ts";

// The database behind `npm run bench -- pages`: a national instance with 100,000 items. It is
// written once by direct SQL (prepared statements in large transactions) and cached under the
// temporary directory, keyed by SEED_VERSION, so reruns start in seconds. Change SEED_VERSION
// whenever what is seeded changes; a schema change needs no new version, because each run
// starts the server on a copy of the cache and the server applies new migrations to the copy.
// BENCH_ITEMS (default 100,000) scales the items: the big community keeps 40% of them and the
// three others 20% each, so BENCH_ITEMS=1000000 seeds the second size (once, slowly).

const SEED_VERSION = 1;
const ITEMS = Number(process.env.BENCH_ITEMS) || 100_000;
const PEOPLE = 3_000;
const BIG_MEMBERS = 501;
const BIG_ITEMS = Math.round(ITEMS * 0.4);
const OTHER_ITEMS = Math.round(ITEMS * 0.2);
const REPLIES = 100;
const TAGS = ["flood-risk", "procurement", "housing", "data", "climate", "schools", "roads"];

/** What the page benchmark needs to know about the seeded database. */
export interface PagesSeed {
  /** The cached, seeded database file (copy it before serving). */
  path: string;
  /** Handle of the community with 40,000 items and 501 members. */
  bigHandle: string;
  /** Id of the topic in that community with 100 replies. */
  topicId: number;
  /** How many items were seeded (BENCH_ITEMS). */
  items: number;
}

/** Fixed publication time of the newest item, so every seed is the same. */
const NEWEST_AT = Date.UTC(2026, 11, 1);

function seed(path: string): void {
  const db = openDatabase(path);
  runMigrations(db);
  ensureInstanceActor(db, BENCH_ORIGIN, INSTANCE_ACTOR, "Bench");
  const sqlite = db.$client;
  const people = addPeople(db, PEOPLE);
  const big = addCommunity(db, "practice", "public", people.slice(0, BIG_MEMBERS));
  // Five facilitators, as a large community has a few.
  sqlite
    .prepare(
      `UPDATE memberships SET role = 'facilitator' WHERE group_id = ? AND member_id IN (${people
        .slice(0, 5)
        .join(",")})`,
    )
    .run(big);
  const others = [1, 2, 3].map((n) =>
    addCommunity(
      db,
      `area${n}`,
      n === 3 ? "private" : "public",
      people.slice(n * 600, n * 600 + 300),
    ),
  );
  // Oldest first, so the big community's newest items are the newest on the instance.
  for (const [n, group] of others.entries()) {
    addItems(db, {
      groupId: group,
      count: OTHER_ITEMS,
      authorIds: people.slice((n + 1) * 600, (n + 1) * 600 + 300),
      visibility: n === 2 ? "members" : "public",
      newestAt: NEWEST_AT - 86_400_000 * 60 * (3 - n),
    });
  }
  const bigItems = addItems(db, {
    groupId: big,
    count: BIG_ITEMS - REPLIES - 1,
    authorIds: people.slice(0, BIG_MEMBERS),
    visibility: "public",
    newestAt: NEWEST_AT - 3_600_000,
  });
  const topic = addThread(db, big, people.slice(0, BIG_MEMBERS));
  tagItems(db, bigItems, people[0]!);
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.exec("ANALYZE");
  sqlite.prepare("INSERT INTO bench_seed (topic_id) VALUES (?)").run(topic);
  sqlite.close();
}

/** A topic with REPLIES replies, the most recently active thread of the community. */
function addThread(db: ReturnType<typeof openDatabase>, groupId: number, authors: number[]) {
  const [topic] = addItems(db, {
    groupId,
    count: 1,
    authorIds: authors,
    visibility: "public",
    rootEvery: 1,
    newestAt: NEWEST_AT - 3_000_000,
  });
  const sqlite = db.$client;
  sqlite
    .prepare("UPDATE items SET kind = 'topic', title = 'A long thread' WHERE id = ?")
    .run(topic);
  const reply = sqlite.prepare(
    `INSERT INTO items (iri, kind, author_id, parent_id, root_id, title, body_html, visibility,
       status, is_local, published_at, updated_at, activity_at)
     VALUES (?, 'reply', ?, ?, ?, '', ?, 'public', 'published', 1, ?, ?, ?) ${RETURNING_ID}`,
  );
  const link = sqlite.prepare("INSERT INTO item_groups (item_id, group_id) VALUES (?, ?)");
  sqlite.transaction(() => {
    for (let i = 1; i <= REPLIES; i++) {
      const at = NEWEST_AT - 3_000_000 + i * 10_000;
      const id = newId(
        reply.get(
          `${BENCH_ORIGIN}/ap/items/thread-${i}`,
          authors[(i * 11) % authors.length],
          topic,
          topic,
          `<p>Reply ${i}: what we tried in our council, and what the practice taught us.</p>`,
          at,
          at,
          at,
        ),
      );
      link.run(id, groupId);
    }
    sqlite
      .prepare("UPDATE items SET activity_at = ? WHERE id = ?")
      .run(NEWEST_AT - 3_000_000 + REPLIES * 10_000, topic);
  })();
  return topic!;
}

/** Tags every tenth item, so the community page has a tag cloud to draw. */
function tagItems(db: ReturnType<typeof openDatabase>, itemIds: number[], taggerId: number) {
  const sqlite = db.$client;
  const tag = sqlite.prepare(`INSERT INTO tags (name, display) VALUES (?, ?) ${RETURNING_ID}`);
  const tagging = sqlite.prepare(
    "INSERT INTO taggings (item_id, tag_id, tagger_id) VALUES (?, ?, ?)",
  );
  sqlite.transaction(() => {
    const tagIds = TAGS.map((name) => newId(tag.get(name, name)));
    itemIds.forEach((id, i) => {
      if (i % 10 === 0) tagging.run(id, tagIds[(i / 10) % tagIds.length]!, taggerId);
    });
  })();
}

/**
 * The seeded database, written on first use and reused after. Seeding takes a minute or so;
 * it goes to a temporary name first, so an interrupted seed is never mistaken for a whole one.
 */
export function pagesSeed(): PagesSeed {
  // The default size keeps the cache name it always had, so existing caches stay valid.
  const size = ITEMS === 100_000 ? "" : `-${ITEMS}`;
  const dir = join(tmpdir(), `copse-bench-pages-v${SEED_VERSION}${size}`);
  const path = join(dir, "seed.db");
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const partial = join(dir, "seeding.db");
    rmSync(partial, { force: true });
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
    const db = openDatabase(partial);
    db.$client.exec("CREATE TABLE bench_seed (topic_id INTEGER NOT NULL)");
    db.$client.close();
    seed(partial);
    renameSync(partial, path);
  }
  const db = openDatabase(path);
  const row = db.$client.prepare("SELECT topic_id AS topicId FROM bench_seed").get() as {
    topicId: number;
  };
  db.$client.close();
  return { path, bigHandle: "practice", topicId: row.topicId, items: ITEMS };
}

/**
 * Seeds the same instance into an empty PostgreSQL schema (the URL's search_path), through the
 * same statements, and marks its polls as announced as copySeed does. Not cached: at
 * BENCH_ITEMS=20000 it takes a minute or so.
 */
export function seedPostgres(url: string): PagesSeed {
  const db = openDatabase(url);
  db.$client.exec("CREATE TABLE bench_seed (topic_id INTEGER NOT NULL)");
  db.$client.close();
  seed(url);
  const seeded = openDatabase(url);
  seeded.$client
    .prepare("UPDATE polls SET closed_announced_at = ? WHERE closed_announced_at IS NULL")
    .run(NEWEST_AT);
  const row = seeded.$client.prepare("SELECT topic_id AS topicId FROM bench_seed").get() as {
    topicId: number;
  };
  seeded.$client.close();
  return { path: url, bigHandle: "practice", topicId: row.topicId, items: ITEMS };
}

/**
 * Copies the seeded database into a data directory, as the server's own database file. The
 * seed's polls closed long ago, as on a real instance, so they are marked as announced:
 * otherwise the server's closing task sends thousands of final totals while the pages are
 * loaded, and the figures measure that instead.
 */
export function copySeed(seedPath: string, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, "copse.db");
  copyFileSync(seedPath, path);
  const db = openDatabase(path);
  db.$client
    .prepare("UPDATE polls SET closed_announced_at = ? WHERE closed_announced_at IS NULL")
    .run(NEWEST_AT);
  db.$client.close();
}
