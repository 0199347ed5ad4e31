import { join } from "node:path";
import type { Db } from "../src/db/client.ts";
import { openDatabase } from "../src/db/client.ts";
import { isPostgres } from "../src/db/dialect.ts";
import { runMigrations } from "../src/db/migrate.ts";
import { deleteItem, getItem } from "../src/domain/items.ts";
import { copySeed, pagesSeed, seedPostgres } from "./pages-seed.ts";
import { benchStores } from "./scale-db.ts";
import { localActor, topicWriter } from "./writer.ts";

// `npm run bench -- tag-writes`: what writing costs on the pages benchmark's database
// (BENCH_ITEMS, default 100,000), as the triggers keeping tag counts add to each write. On
// SQLite, the first start on the seed (migrations, and the counts filled once, also timed
// alone); then rounds of BENCH_WRITES topics (default 100) written into the big community
// through the domain with three tags each, then deleted, with the counts' triggers and, in
// every other round, without them (dropped, then made again), so the difference is the
// triggers' cost on one machine at one moment. BENCH_DATABASE=postgres seeds a fresh schema
// instead (slow: use BENCH_ITEMS=20000 or so).

const WRITES = Number(process.env.BENCH_WRITES) || 100;
const ROUNDS = 6;

/** Median of a list of times. */
function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The tag counts' triggers, with what makes each again (none before they existed). */
function countTriggers(db: Db): { drop: string; make: string | undefined }[] {
  if (isPostgres(db)) {
    const rows = db.$client
      .prepare(
        `SELECT t.tgname AS name, c.relname AS tbl FROM pg_trigger t
         JOIN pg_class c ON c.oid = t.tgrelid
         WHERE t.tgname LIKE 'tag_counts%' AND c.relnamespace = current_schema()::regnamespace`,
      )
      .all() as { name: string; tbl: string }[];
    // A start makes missing triggers again (src/db/postgres/tag-counts.ts).
    return rows.map((r) => ({ drop: `DROP TRIGGER ${r.name} ON ${r.tbl}`, make: undefined }));
  }
  const rows = db.$client
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tag_counts%'",
    )
    .all() as { name: string; sql: string }[];
  return rows.map((r) => ({ drop: `DROP TRIGGER ${r.name}`, make: r.sql }));
}

/** Opens the seeded database: a copy of the cached SQLite seed, or a fresh PostgreSQL one. */
async function openSeeded(): Promise<{ db: Db; group: string; close(): Promise<void> }> {
  const stores = await benchStores();
  const store = await stores.fresh("tag-writes");
  const close = async () => {
    await store.drop();
    await stores.close();
  };
  if (store.url) {
    const seed = seedPostgres(store.url);
    console.log(`tag-writes: ${seed.items.toLocaleString("en")} items on PostgreSQL`);
    return { db: openDatabase(store.url), group: seed.bigHandle, close };
  }
  const seed = pagesSeed();
  copySeed(seed.path, store.dataDir);
  const db = openDatabase(join(store.dataDir, "copse.db"));
  let at = performance.now();
  runMigrations(db);
  console.log(
    `tag-writes: ${seed.items.toLocaleString("en")} items; first start's migrations ${((performance.now() - at) / 1000).toFixed(1)} s`,
  );
  // What the tag counts alone add to the first start after upgrading: with one of their
  // triggers gone, a start makes them again and counts everything afresh.
  const [first] = countTriggers(db);
  if (first) {
    db.$client.exec(first.drop);
    at = performance.now();
    runMigrations(db);
    console.log(`  tag counts made afresh at start ${(performance.now() - at).toFixed(0)} ms`);
  }
  return { db, group: seed.bigHandle, close };
}

/** Writes and deletes tagged topics, with and without the counts' triggers, and prints costs. */
export async function benchTagWrites(): Promise<void> {
  const seeded = await openSeeded();
  const { db } = seeded;
  try {
    const write = topicWriter(db, seeded.group, 3);
    const author = localActor(db, "p6");
    const triggers = countTriggers(db);
    const times = {
      with: { write: [] as number[], delete: [] as number[] },
      without: { write: [] as number[], delete: [] as number[] },
    };
    for (let round = 0; round < ROUNDS; round++) {
      const bare = triggers.length > 0 && round % 2 === 1;
      if (bare) for (const t of triggers) db.$client.exec(t.drop);
      const into = bare ? times.without : times.with;
      const ids: number[] = [];
      for (let i = 0; i < WRITES; i++) {
        const at = performance.now();
        ids.push(write());
        into.write.push(performance.now() - at);
      }
      for (const id of ids) {
        const at = performance.now();
        deleteItem(db, getItem(db, id)!, author.id);
        into.delete.push(performance.now() - at);
      }
      if (!bare) continue;
      // Made again (counting afresh on PostgreSQL); what the bare round wrote left no trace.
      for (const t of triggers) if (t.make) db.$client.exec(t.make);
      if (isPostgres(db)) runMigrations(db);
    }
    const label = triggers.length > 0 ? "with the counts' triggers" : "(no counts' triggers)";
    for (const [name, t] of [
      [label, times.with],
      ["without them", times.without],
    ] as const) {
      if (t.write.length === 0) continue;
      console.log(
        `  ${name.padEnd(26)} topic with three tags: median ${median(t.write).toFixed(2)} ms; its deletion ${median(t.delete).toFixed(2)} ms (${t.write.length})`,
      );
    }
  } finally {
    db.$client.close();
    await seeded.close();
  }
}
