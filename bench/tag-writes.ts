import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/client.ts";
import { runMigrations } from "../src/db/migrate.ts";
import { deleteItem, getItem } from "../src/domain/items.ts";
import { copySeed, pagesSeed } from "./pages-seed.ts";
import { localActor, topicWriter } from "./writer.ts";

// `npm run bench -- tag-writes`: what writing costs on the pages benchmark's database
// (BENCH_ITEMS, default 100,000), as the triggers keeping counts add to each write: the first
// start on the seed (migrations, and the counts filled once, also timed alone), then
// BENCH_WRITES topics (default 300) written into the big community through the domain with
// three tags each, then deleted.

const WRITES = Number(process.env.BENCH_WRITES) || 300;

/** Median of a list of times. */
function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Times each call of `write` and prints the median and the mean. */
function timeEach(label: string, count: number, write: (i: number) => void): void {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = performance.now();
    write(i);
    times.push(performance.now() - at);
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `  ${label.padEnd(34)} median ${median(times).toFixed(2)} ms, mean ${mean.toFixed(2)} ms (${count})`,
  );
}

/** Writes and deletes tagged topics on a copy of the seeded database and prints their cost. */
export async function benchTagWrites(): Promise<void> {
  const seed = pagesSeed();
  const dir = mkdtempSync(join(tmpdir(), "copse-bench-tag-writes-"));
  try {
    copySeed(seed.path, dir);
    const db = openDatabase(join(dir, "copse.db"));
    let at = performance.now();
    runMigrations(db);
    console.log(
      `tag-writes: ${seed.items.toLocaleString("en")} items; first start's migrations ${((performance.now() - at) / 1000).toFixed(1)} s`,
    );
    at = performance.now();
    runMigrations(db);
    console.log(`  a second start's migrations ${(performance.now() - at).toFixed(1)} ms`);
    // What the tag counts alone add to the first start after upgrading: with one of their
    // triggers gone, a start makes them again and counts everything afresh.
    const kept = db.$client
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?")
      .get("tag_counts_item_delete");
    if (kept) {
      db.$client.exec("DROP TRIGGER tag_counts_item_delete");
      at = performance.now();
      runMigrations(db);
      console.log(`  tag counts made afresh at start ${(performance.now() - at).toFixed(0)} ms`);
    }
    const write = topicWriter(db, seed.bigHandle, 3);
    const ids: number[] = [];
    timeEach("topic written with three tags", WRITES, () => ids.push(write()));
    const author = localActor(db, "p6");
    timeEach("topic deleted by its author", WRITES, (i) =>
      deleteItem(db, getItem(db, ids[i]!)!, author.id),
    );
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
