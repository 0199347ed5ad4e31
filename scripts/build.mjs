#!/usr/bin/env node
// Builds the JavaScript that `npm start` and `npm run admin` run: one bundle per entry point in
// build/, made by esbuild from src/ (the packages in node_modules stay outside the bundle).
// Running built JavaScript rather than compiling TypeScript at every start makes the server
// start and the admin command line answer in well under a second, and leaves no compiler in
// the long-running process. The tests and `npm run dev` still run the TypeScript sources.
//
//   node scripts/build.mjs             build now
//   node scripts/build.mjs --if-stale  build only when a source is newer than the last build
//
// This script runs on any Node the README allows (it is started before scripts/ensure-node.mjs
// has found Node 24), so it is plain JavaScript using only esbuild.

import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "build");
const stamp = join(outDir, ".built");
/** The entry points: the server and the admin command line. */
const ENTRIES = ["src/main.ts", "src/cli/admin.ts"];

/** The newest modification time among the sources and the files that shape the build. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(root, "src"));
  for (const file of ["package.json", "tsconfig.json", "scripts/build.mjs"]) {
    newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  }
  return newest;
}

/** Whether build/ is missing or older than a source. */
export function isStale() {
  if (!existsSync(stamp) || ENTRIES.some((e) => !existsSync(builtPath(e)))) return true;
  return statSync(stamp).mtimeMs < newestSource();
}

/** Where an entry point's bundle is written: src/cli/admin.ts becomes build/cli/admin.js. */
export function builtPath(entry) {
  return join(outDir, entry.replace(/^src\//, "").replace(/\.ts$/, ".js"));
}

/** Bundles every entry point into build/. */
export async function build() {
  const { build: esbuild } = await import("esbuild");
  const started = Date.now();
  // The stamp is taken before reading the sources, so an edit made during the build makes the
  // next start build again rather than run stale code.
  const startedAt = new Date();
  await esbuild({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outbase: "src",
    outdir: outDir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  });
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  return Date.now() - started;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  // The container image installs packages before it copies the sources in; it builds later.
  if (!existsSync(join(root, ENTRIES[0]))) process.exit(0);
  if (process.argv.includes("--if-stale") && !isStale()) process.exit(0);
  try {
    const ms = await build();
    if (!process.argv.includes("--quiet")) console.error(`Built build/ from src/ in ${ms} ms`);
  } catch (error) {
    console.error(`Could not build Copse: ${error.message ?? error}`);
    process.exit(1);
  }
}
