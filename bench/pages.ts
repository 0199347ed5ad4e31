import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { startInstance } from "../src/instance.ts";
import { TEST_STYLESHEET_DIR } from "../test/helpers/instances.ts";
import { BENCH_ORIGIN } from "./bench-db.ts";
import { formatResults, type LoadResult, type LoadTarget, loadPage } from "./load.ts";
import { copySeed, pagesSeed } from "./pages-seed.ts";

// `npm run bench -- pages`: the pages of issue 12 under load, on a real server over loopback,
// with 100,000 items. BENCH_REQUESTS changes how many requests each page gets (default 500).

const CONNECTIONS = 10;
const REQUESTS = Number(process.env.BENCH_REQUESTS) || 500;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Loads each page of the issue 12 table in turn and prints req/s, p50, p99 and sizes. */
export async function benchPages(): Promise<void> {
  let started = performance.now();
  const seed = pagesSeed();
  console.log(
    `pages: seeded database ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
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
  const big = `/c/${seed.bigHandle}`;
  const targets: LoadTarget[] = [
    { label: "home", path: "/" },
    { label: "community page", path: big },
    { label: "forum list", path: `${big}/forum` },
    { label: "topic with 100 replies", path: `${big}/forum/${seed.topicId}` },
    { label: "search (word in every item)", path: "/search?q=practice" },
    { label: "forum RSS feed", path: `/feeds${big}/forum.rss` },
    { label: "people finder", path: "/people?q=person" },
    {
      label: "Group actor JSON",
      path: `/ap/actors/${seed.bigHandle}`,
      headers: { accept: "application/activity+json" },
    },
  ];
  try {
    const base = new URL(copse.listenUrl);
    const host = new URL(BENCH_ORIGIN).host;
    const results: LoadResult[] = [];
    console.log(
      `\npages: ${REQUESTS} requests a page over ${CONNECTIONS} keep-alive connections, anonymous, gzip`,
    );
    for (const target of targets) {
      const result = await loadPage(base, host, target, {
        requests: REQUESTS,
        connections: CONNECTIONS,
        warmUp: 5,
      });
      // One line as each page finishes, so a slow run shows where it is.
      console.log(
        `  ${result.label}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99.toFixed(1)} ms`,
      );
      results.push(result);
    }
    console.log("");
    console.log(formatResults(results));
  } finally {
    await copse.close({ graceMs: 0 });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
