import { join } from "node:path";
import { type Db, openDatabase } from "../src/db/client.ts";
import { runMigrations } from "../src/db/migrate.ts";
import { localActor, topicWriter } from "./writer.ts";

// What `npm run bench -- soak` adds with BENCH_SOAK_WRITES=N: a busy instance's churn. Each
// round, N topics are written into the soak's "practice" community (through the domain, from
// the benchmark's own connection to the server's database, as a second process would write),
// and BENCH_SOAK_TOPICS (50) different topic pages are read, the next ones in turn each round,
// as a crawler walks a forum. Every write moves the change stamp, so what the server kept for
// the old one (pages, fragments, kept look-ups) must be let go rather than pile up.

const TOPICS_A_ROUND = Number(process.env.BENCH_SOAK_TOPICS ?? 50);

/** A round's churn: writes, then the paths of the topic pages to read this round. */
export interface Churn {
  round(): string[];
  close(): void;
}

/** Opens the soak's database for writing and lists the community's topics to walk through. */
export function soakChurn(dataDir: string, writesEachRound: number): Churn {
  const db: Db = openDatabase(join(dataDir, "copse.db"));
  // Already migrated by the server; this registers the SQL functions the triggers call, as
  // every connection that writes must (the admin command line does the same).
  runMigrations(db);
  const write = topicWriter(db, "practice");
  const group = localActor(db, "practice");
  const topicIds = (
    db.$client
      .prepare(
        `SELECT i.id FROM items i JOIN item_groups ig ON ig.item_id = i.id
         WHERE ig.group_id = ? AND i.kind = 'topic' AND i.parent_id IS NULL ORDER BY i.id`,
      )
      .all(group.id) as { id: number }[]
  ).map((row) => row.id);
  if (topicIds.length === 0) throw new Error("The soak's database has no topics to read");
  let next = 0;
  return {
    round() {
      for (let i = 0; i < writesEachRound; i++) write();
      return Array.from({ length: TOPICS_A_ROUND }, () => {
        const id = topicIds[next++ % topicIds.length]!;
        return `/c/practice/forum/${id}`;
      });
    },
    close: () => db.$client.close(),
  };
}

/** GETs every path once, ten at a time; returns the answers that were not 200. */
export async function readAll(base: URL, host: string, paths: string[]): Promise<string[]> {
  const unexpected: string[] = [];
  let at = 0;
  const worker = async () => {
    while (at < paths.length) {
      const path = paths[at++]!;
      const response = await fetch(new URL(path, base), {
        headers: { host, "accept-encoding": "gzip" },
      });
      await response.arrayBuffer();
      if (response.status !== 200) unexpected.push(`${path} ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return unexpected;
}
