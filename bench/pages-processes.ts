import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, builtPath, isStale } from "../scripts/build.mjs";
import { openDatabase } from "../src/db/client.ts";
import { freePort } from "../test/helpers/free-port.ts";
import { BENCH_ORIGIN } from "./bench-db.ts";
import { formatResults, type LoadResult, loadPage } from "./load.ts";
import { pageTargets, signedInAs } from "./pages.ts";
import { copySeed, pagesSeed } from "./pages-seed.ts";
import { signaturesPerSecond } from "./signing.ts";
import { cpuMs, NODE_FLAGS, START_ENV } from "./startup.ts";

// `npm run bench -- pages-processes`: the pages of issue 12, signed in as a member, served by
// built web processes (node build/main.js, role web) sharing one port, first one and then two
// (BENCH_WEB_PROCESSES=1,2). One Node process runs JavaScript on one core; this shows what a
// second web process on the second core adds, the load generator sharing the same two cores.
// The servers' CPU per request is read from /proc, so it excludes the load generator's.

const REQUESTS = Number(process.env.BENCH_REQUESTS) || 500;
const CONNECTIONS = 10;

/** Starts a built web process and resolves once it says it is running. */
async function startWeb(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS, builtPath("src/main.ts")], {
    env: { ...START_ENV, ...env, COPSE_ROLE: "web" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  while (!output.includes("is running")) {
    if (child.exitCode !== null) throw new Error(`A web process stopped at start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}

/** Loads each page with one and then two web processes and prints the figures. */
export async function benchPagesProcesses(): Promise<void> {
  if (isStale()) await build();
  const seed = pagesSeed();
  const dataDir = mkdtempSync(join(tmpdir(), "copse-bench-processes-"));
  copySeed(seed.path, dataDir);
  const db = openDatabase(join(dataDir, "copse.db"));
  const member = signedInAs(db, "p6");
  db.$client.close();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    COPSE_ORIGIN: BENCH_ORIGIN,
    COPSE_DATA_DIR: dataDir,
    COPSE_LOG_LEVEL: "error",
  };
  const signing = await signaturesPerSecond();
  const counts = (process.env.BENCH_WEB_PROCESSES ?? "1,2").split(",").map(Number);
  try {
    for (const count of counts) {
      const processes: ChildProcess[] = [];
      try {
        for (let i = 0; i < count; i++) processes.push(await startWeb(env));
        const base = new URL(`http://127.0.0.1:${port}/`);
        const host = new URL(BENCH_ORIGIN).host;
        console.log(
          `\npages-processes: ${count} web process(es) on one port, ${seed.items.toLocaleString("en")} items, ${REQUESTS} requests a page over ${CONNECTIONS} connections, signed in as a member; signing ${signing.toFixed(0)} signatures/s`,
        );
        const results: LoadResult[] = [];
        for (const target of pageTargets(seed, member)) {
          const before = processes.map((p) => cpuMs(p.pid!));
          const result = await loadPage(base, host, target, {
            requests: REQUESTS,
            connections: CONNECTIONS,
            warmUp: 10,
          });
          const used = processes.reduce((sum, p, i) => sum + cpuMs(p.pid!) - before[i]!, 0);
          // The servers' own CPU, in place of the load generator's and theirs together.
          results.push({ ...result, cpuMsPerRequest: used / (REQUESTS + 10) });
        }
        console.log(formatResults(results));
      } finally {
        for (const p of processes) p.kill("SIGTERM");
        await Promise.all(processes.map((p) => (p.exitCode === null ? once(p, "exit") : null)));
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
