import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/client.ts";
import { runMigrations } from "../src/db/migrate.ts";
import { communityMetrics, instanceMetrics } from "../src/domain/metrics/report.ts";
import { median, percentile, timeRuns } from "./stats.ts";

const PEOPLE = 2_000;
/** Items in the community whose metrics are timed. */
const ITEMS = 20_000;
/** Other communities, each with a quarter as many items, for the instance-wide figures. */
const OTHER_GROUPS = 4;
const MEMBERS = 600;
const RUNS = 20;
const HOSTS = ["copse.test", "mastodon.example", "lemmy.example", "other-council.example"];
const ROOT_KINDS = ["topic", "entry", "wiki", "event", "document", "poll"] as const;
const SPAN_MS = 26 * 7 * 86_400_000;

/**
 * Fills a database by direct SQL: people on four hosts, one community with ITEMS items spread
 * over half a year (two thirds replies, the rest every kind of root), a wiki revision for
 * every tenth page, and a few smaller communities.
 */
function fill(path: string): { db: ReturnType<typeof openDatabase>; groupId: number } {
  const db = openDatabase(path);
  runMigrations(db);
  const sqlite = db.$client;
  const now = Date.now();
  let groupId = 0;
  sqlite.transaction(() => {
    const actor = sqlite.prepare(
      "INSERT INTO actors (iri, type, handle, host, is_local, name) VALUES (?, ?, ?, ?, ?, ?)",
    );
    for (let i = 1; i <= PEOPLE; i++) {
      const host = HOSTS[i % HOSTS.length]!;
      actor.run(
        `https://${host}/u/p${i}`,
        "Person",
        `p${i}`,
        host,
        host === "copse.test" ? 1 : 0,
        `P${i}`,
      );
    }
    const member = sqlite.prepare(
      "INSERT INTO memberships (group_id, member_id, state) VALUES (?, ?, 'active')",
    );
    const item = sqlite.prepare(
      `INSERT INTO items (iri, kind, author_id, parent_id, root_id, body_html, visibility, status,
         is_local, published_at, updated_at, activity_at)
       VALUES (?, ?, ?, ?, ?, '<p>x</p>', 'public', 'published', 1, ?, ?, ?)`,
    );
    const setRoot = sqlite.prepare("UPDATE items SET root_id = id WHERE id = ?");
    const link = sqlite.prepare("INSERT INTO item_groups (item_id, group_id) VALUES (?, ?)");
    const revision = sqlite.prepare(
      `INSERT INTO wiki_revisions (item_id, number, title, body_html, reason, author_id, created_at, iri)
       VALUES (?, ?, 't', '<p>x</p>', 'r', ?, ?, ?)`,
    );
    let serial = 0;
    for (let g = 0; g <= OTHER_GROUPS; g++) {
      const id = Number(
        actor.run(`https://copse.test/c/g${g}`, "Group", `g${g}`, "copse.test", 1, `G${g}`)
          .lastInsertRowid,
      );
      if (g === 0) groupId = id;
      sqlite.prepare("INSERT INTO communities (actor_id, visibility) VALUES (?, 'public')").run(id);
      for (let m = 0; m < MEMBERS; m++) member.run(id, 1 + ((g * 97 + m * 3) % PEOPLE));
      const count = g === 0 ? ITEMS : ITEMS / 4;
      const roots: number[] = [];
      for (let i = 0; i < count; i++) {
        const author = 1 + ((g * 97 + (i % MEMBERS) * 3) % PEOPLE);
        const at = now - Math.floor((i / count) * SPAN_MS);
        const isReply = roots.length > 0 && i % 3 !== 0;
        const root = isReply ? roots[(i * 7) % roots.length]! : null;
        const kind = isReply ? "reply" : ROOT_KINDS[((i / 3) % ROOT_KINDS.length) | 0]!;
        const itemId = Number(
          item.run(`https://copse.test/ap/items/${++serial}`, kind, author, root, root, at, at, at)
            .lastInsertRowid,
        );
        if (!root) {
          setRoot.run(itemId);
          roots.push(itemId);
          if (kind === "wiki" && roots.length % 10 === 0) {
            revision.run(itemId, 2, author, at + 3_600_000, `https://copse.test/r/${itemId}/2`);
          }
        }
        link.run(itemId, id);
      }
    }
  })();
  return { db, groupId };
}

/** Times a community's metrics over 20,000 items, and the instance's; prints the medians. */
export async function benchMetrics(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "copse-bench-metrics-"));
  try {
    const started = performance.now();
    const { db, groupId } = fill(join(dir, "bench.db"));
    const total = ITEMS + OTHER_GROUPS * (ITEMS / 4);
    console.log(
      `metrics: filled ${PEOPLE} people, ${total} items in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const fmt = (t: number[]) =>
      `median ${median(t).toFixed(1)} ms, p95 ${percentile(t, 95).toFixed(1)} ms`;
    const community = await timeRuns(RUNS, async () => communityMetrics(db, groupId));
    console.log(`metrics: community metrics (${ITEMS} items, ${RUNS} runs): ${fmt(community)}`);
    const instance = await timeRuns(RUNS, async () => instanceMetrics(db));
    console.log(`metrics: instance metrics (${total} items, ${RUNS} runs): ${fmt(instance)}`);
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
