import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, builtPath, isStale } from "../scripts/build.mjs";
import { freePort } from "../test/helpers/free-port.ts";
import { BENCH_ORIGIN } from "./bench-db.ts";
import { loadPage } from "./load.ts";
import { signaturesPerSecond } from "./signing.ts";
import { readAll, soakChurn } from "./soak-churn.ts";
import {
  cpuMs,
  existingDatabase,
  NODE_FLAGS,
  START_ENV,
  startServer,
  treeMemory,
} from "./startup.ts";

// `npm run bench -- soak`: whether the server's memory stays flat under a steady load. The
// built server (node with `npm start`'s flags, as the image and the systemd unit run it) on
// the startup benchmark's database takes a round of requests every few seconds, spread over
// pages, feeds, an actor document and refused inbox posts, for BENCH_SOAK_MINUTES (issue 12
// asks for 10); its resident memory is sampled after each round. Flat means the last minute's
// samples are no higher than the first minute's after warming up, give or take the young
// generation's size.

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
const ROUND_REQUESTS = Number(process.env.BENCH_SOAK_ROUND ?? 200);
const ROUND_SECONDS = 10;
/** Topics written each round, with other topic pages read (bench/soak-churn.ts); 0: none. */
const WRITES = Number(process.env.BENCH_SOAK_WRITES ?? 0);

/** What each round asks for: each path gets an equal share of the round's requests. */
const TARGETS = [
  { label: "home", path: "/" },
  { label: "community", path: "/c/practice" },
  { label: "forum", path: "/c/practice/forum" },
  { label: "search", path: "/search?q=practice" },
  { label: "feed", path: "/feeds/c/forum.rss" },
  {
    label: "actor",
    path: "/c/network",
    headers: { accept: "application/activity+json" },
  },
];

function mb(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}

/** Posts an unsigned activity to the shared inbox: refused (401) after parsing, as a forgery is. */
async function unsignedInboxPost(base: URL, host: string): Promise<number> {
  const response = await fetch(new URL("/ap/inbox", base), {
    method: "POST",
    headers: { host, "content-type": "application/activity+json" },
    body: JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `https://elsewhere.test/activities/${Math.random()}`,
      type: "Like",
      actor: "https://elsewhere.test/users/mallory",
      object: `${BENCH_ORIGIN}/c/practice`,
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Prints the server's resident memory round by round under a steady load. */
export async function benchSoak(): Promise<void> {
  if (isStale()) await build();
  const dataDir = mkdtempSync(join(tmpdir(), "copse-bench-soak-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COPSE_DATA_DIR: dataDir,
    COPSE_ORIGIN: BENCH_ORIGIN,
    COPSE_LOG_LEVEL: "error",
    PORT: String(await freePort()),
    HOST: "127.0.0.1",
  };
  try {
    await existingDatabase(env);
    const signing = await signaturesPerSecond();
    console.log(
      `soak: ${MINUTES} min, a round of ${ROUND_REQUESTS} requests (10 connections) every ` +
        `${ROUND_SECONDS} s, ${Object.entries(START_ENV)
          .map(([name, value]) => `${name}=${value} `)
          .join("")}node ${NODE_FLAGS.join(" ")} build/main.js; ` +
        (WRITES > 0 ? `${WRITES} topic(s) written and other topic pages read each round; ` : "") +
        `signing ` +
        `${signing.toFixed(0)} signatures/s on one core in the same run`,
    );
    const server = await startServer(
      process.execPath,
      [...NODE_FLAGS, builtPath("src/main.ts")],
      env,
    );
    const pid = server.process.pid!;
    const churn = WRITES > 0 ? soakChurn(dataDir, WRITES) : undefined;
    const base = new URL(`http://127.0.0.1:${env.PORT}/`);
    const host = new URL(BENCH_ORIGIN).host;
    try {
      const rss = () => treeMemory(pid).reduce((sum, p) => sum + p.rss, 0);
      console.log(`  idle after start: ${mb(rss())}`);
      const samples: { at: number; rss: number }[] = [];
      const started = performance.now();
      // Answers other than those expected (200 for pages, 401 for the unsigned posts).
      let unexpected: string[] = [];
      for (let round = 0; performance.now() - started < MINUTES * 60_000; round++) {
        const roundStart = performance.now();
        const cpuBefore = cpuMs(pid);
        for (const target of TARGETS) {
          const result = await loadPage(base, host, target, {
            requests: Math.max(10, Math.floor(ROUND_REQUESTS / (TARGETS.length + 1))),
            connections: 10,
            warmUp: 0,
          });
          if (result.status !== 200) unexpected.push(`${target.label} ${result.status}`);
        }
        if (churn) unexpected.push(...(await readAll(base, host, churn.round())));
        for (let i = 0; i < Math.floor(ROUND_REQUESTS / (TARGETS.length + 1)); i += 10) {
          const answers = await Promise.all(
            Array.from({ length: 10 }, () => unsignedInboxPost(base, host)),
          );
          for (const status of answers) if (status !== 401) unexpected.push(`inbox ${status}`);
        }
        const at = (performance.now() - started) / 60_000;
        samples.push({ at, rss: rss() });
        if (round % 6 === 0) {
          console.log(
            `  ${at.toFixed(1)} min: ${mb(samples.at(-1)!.rss)}, round took ` +
              `${((performance.now() - roundStart) / 1000).toFixed(1)} s and ` +
              `${((cpuMs(pid) - cpuBefore) / 1000).toFixed(1)} s of the server's CPU` +
              (unexpected.length ? `; unexpected answers: ${unexpected.join(", ")}` : ""),
          );
          unexpected = [];
        }
        const wait = ROUND_SECONDS * 1000 - (performance.now() - roundStart);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const minute = (from: number, to: number) =>
        samples.filter((s) => s.at >= from && s.at < to).map((s) => s.rss);
      const first = minute(1, 2);
      const last = minute(MINUTES - 1, MINUTES);
      const range = (values: number[]) =>
        values.length ? `${mb(Math.min(...values))}-${mb(Math.max(...values))}` : "no samples";
      console.log(
        `  second minute ${range(first)}, last minute ${range(last)}, ` +
          `peak ${mb(Math.max(...samples.map((s) => s.rss)))}; the server used ` +
          `${(cpuMs(pid) / 1000).toFixed(0)} s of CPU`,
      );
    } finally {
      churn?.close();
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
