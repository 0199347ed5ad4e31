#!/usr/bin/env node
// Runs a command on Node.js 22 or newer, fetching Node 24 from the npm registry when the Node
// that started this script is older. Fedify 2, vitest 5 and better-sqlite3 13 all need Node >= 22
// (better-sqlite3 13 loads on Node 20 and then segfaults), while many machines still ship Node 20.
// This file must itself run on Node 20, so it is plain JavaScript with no dependencies.
//
//   node scripts/ensure-node.mjs --install        make sure a suitable Node exists (postinstall)
//   node scripts/ensure-node.mjs --which          print the path of a suitable node binary
//   node scripts/ensure-node.mjs CMD [ARGS...]    run CMD with a suitable Node first on PATH
//
// Running CMD leaves this script alive as its parent, forwarding signals. `npm start` instead
// runs `exec "$(node scripts/ensure-node.mjs --which)" ...`, so the shell becomes the server
// and no launcher process stays in memory beside it.

import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const MIN_MAJOR = 22;
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = join(projectRoot, "node_modules", ".cache", "copse-node24");
const cachedBin = join(
  cacheDir,
  "node_modules",
  "node",
  "node_modules",
  `node-${process.platform}-${process.arch}`,
  "bin",
);

function currentMajor() {
  return Number(process.versions.node.split(".")[0]);
}

/** Returns the directory holding a `node` binary of version >= MIN_MAJOR, installing one if needed. */
async function suitableNodeBinDir() {
  if (currentMajor() >= MIN_MAJOR) return dirname(process.execPath);
  if (existsSync(join(cachedBin, "node"))) return cachedBin;
  process.stderr.write(
    `Node ${process.versions.node} is older than ${MIN_MAJOR}; fetching Node 24 from the npm registry into ${cacheDir} (once)...\n`,
  );
  await mkdir(cacheDir, { recursive: true });
  // Strip npm's lifecycle variables so the nested install does not inherit this project's
  // configuration (prefix, global flags, the package being installed).
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")),
  );
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(
    npm,
    ["install", "--prefix", cacheDir, "--no-audit", "--no-fund", "--loglevel=error", "node@24"],
    // npm's output goes to standard error: `--which` prints only the path on standard output.
    { stdio: ["inherit", 2, "inherit"], env },
  );
  if (result.status !== 0 || !existsSync(join(cachedBin, "node"))) {
    process.stderr.write(
      "Could not install Node 24 from the npm registry. Install Node.js 22 or newer yourself and run the command again.\n",
    );
    process.exit(1);
  }
  return cachedBin;
}

const args = process.argv.slice(2);
const binDir = await suitableNodeBinDir();
if (args[0] === "--install" || args.length === 0) process.exit(0);
if (args[0] === "--which") {
  process.stdout.write(
    `${currentMajor() >= MIN_MAJOR ? process.execPath : join(binDir, "node")}\n`,
  );
  process.exit(0);
}

const localBin = join(projectRoot, "node_modules", ".bin");
const env = {
  ...process.env,
  PATH: [binDir, localBin, process.env.PATH ?? ""].join(process.platform === "win32" ? ";" : ":"),
};
const [cmd, ...rest] = args;
const command = cmd === "node" ? join(binDir, "node") : cmd;
const child = spawn(command, rest, { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
