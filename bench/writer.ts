import { and, eq } from "drizzle-orm";
import type { Db } from "../src/db/client.ts";
import { actors } from "../src/db/schema/index.ts";
import { composeItem } from "../src/domain/items.ts";
import { addTag } from "../src/domain/tags.ts";
import { BENCH_ORIGIN } from "./bench-db.ts";

// Writes as a member posting would, through the domain (each write its own transactions, with
// every trigger and index it touches), for benchmarks that measure pages while the database
// changes and for what a write itself costs (bench/tag-writes.ts).

const TAGS = ["flood-risk", "procurement", "housing", "data", "climate", "schools", "roads"];

/** A local actor of the seeded database by handle (a person or a community). */
export function localActor(db: Db, handle: string) {
  const row = db
    .select()
    .from(actors)
    .where(and(eq(actors.handle, handle), eq(actors.isLocal, true)))
    .get();
  if (!row) throw new Error(`No local actor ${handle} in the seeded database`);
  return row;
}

/**
 * A function that writes one more topic into a community, by the seeded member p6, with
 * `tagsEach` of the seed's tags (taken in turn), and returns its id.
 */
export function topicWriter(db: Db, groupHandle: string, tagsEach = 1): () => number {
  const author = localActor(db, "p6");
  const group = localActor(db, groupHandle);
  let n = 0;
  return () => {
    n++;
    const item = composeItem(db, BENCH_ORIGIN, {
      kind: "topic",
      author,
      groups: [group],
      title: `Written during the benchmark (${n})`,
      body: "What we tried this week.",
    });
    for (let t = 0; t < tagsEach; t++) addTag(db, item, author.id, TAGS[(n + t) % TAGS.length]!);
    return item.id;
  };
}
