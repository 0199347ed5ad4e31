import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import type { Db } from "../src/db/client.ts";
import { createSession } from "../src/domain/accounts.ts";
import { type RunningInstance, startInstance } from "../src/instance.ts";
import { freePort } from "../test/helpers/free-port.ts";
import { TEST_STYLESHEET_DIR } from "../test/helpers/instances.ts";
import { BENCH_ORIGIN } from "./bench-db.ts";
import { formatResults, type LoadResult, type LoadTarget, loadPage } from "./load.ts";
import { copySeed, type PagesSeed, pagesSeed } from "./pages-seed.ts";
import { measurePhase } from "./profile.ts";
import { topicWriter } from "./writer.ts";

// `npm run bench -- pages`: the pages of issue 12 under load, on a real server over loopback,
// with 100,000 items. BENCH_REQUESTS changes how many requests each page gets (default 500),
// BENCH_PAGES which pages are loaded and BENCH_ITEMS the size of the seed (bench/pages-seed.ts).
// `npm run bench -- pages-one` sends the same pages one request at a time, which is what to
// run under `node --cpu-prof` to see where a single request spends its time.
// BENCH_WRITE_EVERY=N writes a tagged topic into the big community every N requests (bench/
// writer.ts), as a busy instance changes under its readers: what is kept until the database
// changes is then worked out again, and the figures show what that costs the pages.

const CONNECTIONS = 10;
const REQUESTS = Number(process.env.BENCH_REQUESTS) || 500;

/** A server on a copy of the seeded database, with the pages to load and a way to stop it. */
interface PagesServer {
  copse: RunningInstance;
  targets: LoadTarget[];
  /** Writes a tagged topic every BENCH_WRITE_EVERY requests (none when unset). */
  write?: (n: number) => void;
  close(): Promise<void>;
}

/**
 * The pages of the issue 12 table on a seeded database, as `headers` (a session's cookie, say)
 * would request them; BENCH_PAGES=search,feed keeps only the pages whose labels contain one of
 * those words.
 */
export function pageTargets(seed: PagesSeed, headers: Record<string, string>): LoadTarget[] {
  const only = (process.env.BENCH_PAGES ?? "").split(",").filter(Boolean);
  const big = `/c/${seed.bigHandle}`;
  return [
    { label: "home", path: "/" },
    { label: "community page", path: big },
    { label: "forum list", path: `${big}/forum` },
    // Sorted by title and, signed in, the viewer's own topics (anonymous visitors get the
    // default order for "mine").
    { label: "forum list by title", path: `${big}/forum?sort=az` },
    { label: "forum list, my topics", path: `${big}/forum?sort=mine` },
    // The whole site's tag cloud, and a community the signed-in person is not a member of,
    // whose clouds are not the members' shared one.
    { label: "tag cloud (whole site)", path: "/tags" },
    { label: "community page, not a member", path: "/c/area1" },
    { label: "topic with 100 replies", path: `${big}/forum/${seed.topicId}` },
    { label: "search (word in every item)", path: "/search?q=practice" },
    { label: "forum RSS feed", path: `/feeds${big}/forum.rss` },
    { label: "people finder", path: "/people?q=person" },
    {
      label: "Group actor JSON",
      path: `/ap/actors/${seed.bigHandle}`,
      headers: { accept: "application/activity+json" },
    },
  ]
    .map((target) => ({ ...target, headers: { ...target.headers, ...headers } }))
    .filter((t) => only.length === 0 || only.some((w) => t.label.includes(w)));
}

async function startPagesServer(): Promise<PagesServer> {
  let started = performance.now();
  const seed = pagesSeed();
  console.log(
    `pages: seeded database (${seed.items.toLocaleString("en")} items) ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), "copse-bench-pages-run-"));
  copySeed(seed.path, dataDir);
  const port = await freePort();
  // The server believes it is https://copse.test behind a proxy, as in production; requests
  // reach it on a loopback port with that Host header.
  const config = loadConfig({
    PORT: String(port),
    HOST: "127.0.0.1",
    COPSE_ORIGIN: BENCH_ORIGIN,
    COPSE_DATA_DIR: dataDir,
    COPSE_INSTANCE_NAME: "Bench",
    COPSE_LOG_LEVEL: "error",
  });
  started = performance.now();
  const copse = await startInstance(config, { stylesheetCacheDir: TEST_STYLESHEET_DIR });
  console.log(`pages: server started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // BENCH_SIGNED_IN=1 loads every page as a member of the big community (not a facilitator),
  // whose pages are never kept for others (src/web/page-cache.ts) and are rendered each time.
  const member = process.env.BENCH_SIGNED_IN ? signedInAs(copse.db, "p6") : {};
  const targets = pageTargets(seed, member);
  const stopWrites = federationBookkeeping(copse);
  const every = Number(process.env.BENCH_WRITE_EVERY) || 0;
  const writeTopic = every > 0 ? topicWriter(copse.db, seed.bigHandle) : undefined;
  if (writeTopic) console.log(`pages: a tagged topic written every ${every} requests`);
  return {
    copse,
    write: writeTopic && ((n) => n % every === 0 && writeTopic()),
    targets,
    close: async () => {
      stopWrites();
      await copse.close({ graceMs: 0 });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * BENCH_BOOKKEEPING=<writes a second> writes what a fan-out writes while the pages load, on the
 * server's own connection as its queue workers do: a delivery's queue row enqueued and deleted,
 * and the peer's remembered signature format, in turn. A federating instance does this all the
 * time; it changes no page. Returns how to stop.
 */
function federationBookkeeping(copse: RunningInstance): () => void {
  const perSecond = Number(process.env.BENCH_BOOKKEEPING) || 0;
  if (perSecond <= 0) return () => {};
  console.log(`pages: ${perSecond} queue and key-value writes a second meanwhile`);
  const sqlite = copse.db.$client;
  const enqueue = sqlite.prepare(
    "INSERT INTO fedify_queue (channel, message, available_at, created_at) VALUES ('bench', '{}', ?, 0)",
  );
  const dequeue = sqlite.prepare("DELETE FROM fedify_queue WHERE id = ?");
  const remember = sqlite.prepare(
    "INSERT OR REPLACE INTO fedify_kv (key, value) VALUES (?, '\"draft-cavage\"')",
  );
  let n = 0;
  // Every 10 ms, the writes due by then (timers are coarse under load, so catch up).
  const started = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; n < due; n++) {
      if (n % 2 === 0) {
        dequeue.run(enqueue.run(Number.MAX_SAFE_INTEGER).lastInsertRowid);
      } else {
        remember.run(`["bench-format","https://peer${n % 1000}.test"]`);
      }
    }
  }, 10);
  return () => clearInterval(timer);
}

/** A cookie header for a new session of a seeded person's account. */
export function signedInAs(db: Db, handle: string): Record<string, string> {
  const row = db.$client
    .prepare(
      "SELECT accounts.id AS id FROM accounts JOIN actors ON actors.id = accounts.actor_id WHERE actors.handle = ?",
    )
    .get(handle) as { id: number };
  return { cookie: `copse_session=${createSession(db, row.id)}` };
}

/** Loads each page of the issue 12 table in turn and prints req/s, p50, p99 and sizes. */
export async function benchPages(): Promise<void> {
  const server = await startPagesServer();
  try {
    const base = new URL(server.copse.listenUrl);
    const host = new URL(BENCH_ORIGIN).host;
    const results: LoadResult[] = [];
    console.log(
      `\npages: ${REQUESTS} requests a page over ${CONNECTIONS} keep-alive connections, ${process.env.BENCH_SIGNED_IN ? "signed in as a member" : "anonymous"}, gzip`,
    );
    for (const target of server.targets) {
      // BENCH_PROFILE=<dir> writes each page's CPU profile there (see profile.ts).
      const meter = await measurePhase(`pages-${target.label.replaceAll(" ", "-")}`);
      const result = await loadPage(base, host, target, {
        requests: REQUESTS,
        connections: CONNECTIONS,
        warmUp: 5,
        beforeRequest: server.write,
      });
      await meter.stop();
      // One line as each page finishes, so a slow run shows where it is.
      console.log(
        `  ${result.label}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99.toFixed(1)} ms`,
      );
      results.push(result);
    }
    console.log("");
    console.log(formatResults(results));
  } finally {
    await server.close();
  }
}

/** Sends each page BENCH_REQUESTS requests one after another and prints median and p99. */
export async function benchPagesOneAtATime(): Promise<void> {
  const server = await startPagesServer();
  const requests = Number(process.env.BENCH_REQUESTS) || 50;
  try {
    const base = new URL(server.copse.listenUrl);
    const host = new URL(BENCH_ORIGIN).host;
    console.log(`\npages: ${requests} requests a page, one at a time`);
    for (const target of server.targets) {
      const result = await loadPage(base, host, target, { requests, connections: 1, warmUp: 3 });
      console.log(
        `  ${target.label.padEnd(28)} median ${result.p50.toFixed(1).padStart(7)} ms, p99 ${result.p99.toFixed(1).padStart(7)} ms, CPU ${result.cpuMsPerRequest.toFixed(1).padStart(6)} ms a request`,
      );
    }
  } finally {
    await server.close();
  }
}
