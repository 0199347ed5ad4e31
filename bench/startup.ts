import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, builtPath, isStale } from "../scripts/build.mjs";
import { openDatabase } from "../src/db/client.ts";
import { runMigrations } from "../src/db/migrate.ts";
import { freePort } from "../test/helpers/free-port.ts";
import { addCommunity, addItems, addPeople, BENCH_ORIGIN } from "./bench-db.ts";
import { loadPage } from "./load.ts";
import { signaturesPerSecond } from "./signing.ts";
import { median } from "./stats.ts";

// `npm run bench -- startup`: what running Copse costs before and between requests. The time
// from starting the built server (build/main.js, what `npm start` runs) on an existing
// database to its first page; the wall time of an admin command; and the memory of the
// server's whole process tree idle and after a burst of requests, both for node run directly
// (the container and the systemd unit) and under `npm start`. The signing rate measured in
// the same run is printed so the figures can be read as ratios on a loaded machine.

const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 5);
const BURST = Number(process.env.BENCH_REQUESTS ?? 300);
const root = join(import.meta.dirname, "..");
const scripts = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;
/** The flags an npm script of package.json gives Node. */
function nodeFlags(script: "start" | "admin"): string[] {
  return scripts[script]!.split(" ").filter(
    (word) => word.startsWith("--") && !['--which)"', "--if-stale", "--quiet"].includes(word),
  );
}
/** The flags `npm start` gives Node (and the image and the systemd unit). */
export const NODE_FLAGS = nodeFlags("start");
/** The flags `npm run admin` gives Node. */
const ADMIN_FLAGS = nodeFlags("admin");
/**
 * The environment `npm start` sets for Node where the caller has not (`NAME=${NAME:-value}`
 * before its `exec`, such as glibc's MALLOC_ARENA_MAX), so benchmarks run the server as it runs.
 */
export const START_ENV: Record<string, string> = Object.fromEntries(
  [...scripts.start!.matchAll(/\b([A-Z_]+)=\$\{\1:-([^}]*)\}/g)].map(([, name, value]) => [
    name!,
    process.env[name!] ?? value!,
  ]),
);

/** The resident memory of a process and every process below it, by name, in bytes. */
export function treeMemory(pid: number): { name: string; rss: number }[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name is in parentheses and may hold spaces; the parent follows it.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while the table was read.
    }
  }
  const found: { name: string; rss: number }[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const at = stack.pop()!;
    try {
      const status = readFileSync(`/proc/${at}/status`, "utf8");
      const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "?";
      const rss = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024;
      found.push({ name, rss });
    } catch {
      continue;
    }
    stack.push(...(children.get(at) ?? []));
  }
  return found;
}

function list(values: number[]): string {
  return values.map((t) => t.toFixed(0)).join(", ");
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}

function describeTree(tree: { name: string; rss: number }[]): string {
  const total = tree.reduce((sum, p) => sum + p.rss, 0);
  return `${mb(total)} (${tree.map((p) => `${p.name} ${mb(p.rss)}`).join(" + ")})`;
}

/**
 * The CPU time (user and system) a running process has used so far, in milliseconds, from
 * /proc (Linux counts it in ticks of 1/100 s).
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after the name.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A started server. */
export interface Started {
  process: ChildProcess;
  msToFirstPage: number;
  /** The server's CPU time when its first page had answered (the process started directly). */
  cpuMsToFirstPage: number;
  stop(): Promise<void>;
}

/** Starts a server with `command`, and resolves once its home page answers 200. */
export async function startServer(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<Started> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: root,
    env: { ...START_ENV, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${env.PORT}/`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server stopped at start:\n${stderr}`);
    try {
      const response = await fetch(url, { headers: { host: new URL(BENCH_ORIGIN).host } });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const msToFirstPage = performance.now() - started;
  return {
    process: child,
    msToFirstPage,
    cpuMsToFirstPage: cpuMs(child.pid!),
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Runs a command to its end and resolves with its wall time and its CPU time (user and
 * system) in milliseconds. The command runs under bash, whose `times` prints its children's
 * CPU time once the command has ended.
 */
async function timeCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const quoted = [command, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(" ");
  const child = spawn("bash", ["-c", `${quoted} >/dev/null || exit $?; times`], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "ignore"],
  });
  let out = "";
  child.stdout!.on("data", (chunk) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const wall = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}`);
  // The second line of `times` is the children's: "0m0.120s 0m0.030s".
  const seconds = [...(out.trim().split("\n")[1] ?? "").matchAll(/(\d+)m([\d.]+)s/g)].map(
    (m) => Number(m[1]) * 60 + Number(m[2]),
  );
  return { wall, cpu: (seconds[0]! + seconds[1]!) * 1000 };
}

/**
 * A database with some people, communities and items, as a server that has run for a while
 * has: filled first, then started once (which records where the alert sweep starts). Items
 * added after that first start would be new to the sweep, which writes an alert entry per
 * member per item before the first page is served (issue 12's alert flood).
 */
export async function existingDatabase(env: NodeJS.ProcessEnv): Promise<void> {
  const db = openDatabase(join(env.COPSE_DATA_DIR!, "copse.db"));
  try {
    runMigrations(db);
    const people = addPeople(db, 500);
    for (const [i, handle] of ["practice", "forum", "network"].entries()) {
      const groupId = addCommunity(db, handle, "public", people.slice(i * 100, i * 100 + 300));
      addItems(db, { groupId, count: 2_000, authorIds: people.slice(0, 50), visibility: "public" });
    }
  } finally {
    db.$client.close();
  }
  const first = await startServer(process.execPath, [builtPath("src/main.ts")], env);
  await first.stop();
}

/** Prints start-up time, command-line time and process-tree memory. */
export async function benchStartup(): Promise<void> {
  if (isStale()) await build();
  const dataDir = mkdtempSync(join(tmpdir(), "copse-bench-startup-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COPSE_DATA_DIR: dataDir,
    COPSE_ORIGIN: BENCH_ORIGIN,
    COPSE_LOG_LEVEL: "warning",
    PORT: String(await freePort()),
    HOST: "127.0.0.1",
  };
  try {
    await existingDatabase(env);
    const signing = await signaturesPerSecond();
    console.log(
      `startup: ${STARTS} starts on an existing database (500 people, 3 communities, 6,000 items), ` +
        `signing ${signing.toFixed(0)} signatures/s on one core in the same run`,
    );

    const starts: number[] = [];
    const startsCpu: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const server = await startServer(
        process.execPath,
        [...NODE_FLAGS, builtPath("src/main.ts")],
        env,
      );
      starts.push(server.msToFirstPage);
      startsCpu.push(server.cpuMsToFirstPage);
      await server.stop();
    }
    console.log(
      `  start to first page (node build/main.js): median ${median(starts).toFixed(0)} ms wall ` +
        `(${list(starts)}), ${median(startsCpu).toFixed(0)} ms CPU (${list(startsCpu)})`,
    );

    const commands: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < COMMANDS; i++) {
      commands.push(
        await timeCommand(
          process.execPath,
          [...ADMIN_FLAGS, builtPath("src/cli/admin.ts"), "list-communities"],
          env,
        ),
      );
    }
    const walls = commands.map((c) => c.wall);
    const cpus = commands.map((c) => c.cpu);
    console.log(
      `  admin list-communities (node build/cli/admin.js): median ${median(walls).toFixed(0)} ms ` +
        `wall (${list(walls)}), ${median(cpus).toFixed(0)} ms CPU (${list(cpus)})`,
    );
    if (process.env.BENCH_STARTUP_MEMORY === "0") return;

    for (const [label, command, args] of [
      ["node build/main.js", process.execPath, [...NODE_FLAGS, builtPath("src/main.ts")]],
      ["npm start", "npm", ["start", "--silent"]],
    ] as const) {
      const server = await startServer(command, [...args], env);
      try {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const idle = treeMemory(server.process.pid!);
        const base = new URL(`http://127.0.0.1:${env.PORT}/`);
        const host = new URL(BENCH_ORIGIN).host;
        for (const path of ["/", "/c/practice", "/c/practice/forum", "/search?q=practice"]) {
          await loadPage(
            base,
            host,
            { label: path, path },
            {
              requests: BURST,
              connections: 10,
              warmUp: 5,
            },
          );
        }
        const loaded = treeMemory(server.process.pid!);
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        const after = treeMemory(server.process.pid!);
        console.log(`  ${label}: process tree idle ${describeTree(idle)}`);
        console.log(`    after ${BURST} requests to each of 4 pages ${describeTree(loaded)}`);
        console.log(`    5 s later ${describeTree(after)}`);
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
