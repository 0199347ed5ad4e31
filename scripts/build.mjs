#!/usr/bin/env node
// Builds the JavaScript that `npm start` and `npm run admin` run: one bundle per entry point in
// build/, made by esbuild from src/ and the packages it uses (those with native code and those
// loaded on first use stay in node_modules). Running built JavaScript rather than compiling
// TypeScript at every start makes the server start and the admin command line answer in well
// under a second, and leaves no compiler in the long-running process. The tests and
// `npm run dev` still run the TypeScript sources. Code loaded with `await import()` goes into
// chunks of its own (build/chunks/), so a command loads only what it uses. The stylesheet is
// compiled here too (build/copse.<hash>.css), so neither the server nor the command line loads
// Sass when it starts.
//
//   node scripts/build.mjs             build now
//   node scripts/build.mjs --if-stale  build only when a source is newer than the last build
//
// This script runs on any Node the README allows (it is started before scripts/ensure-node.mjs
// has found Node 24), so it is plain JavaScript using only esbuild.

import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { trimSourceMapFiles } from "./source-maps.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "build");
const stamp = join(outDir, ".built");
/**
 * The entry points: the server, the admin command line, the demo (`npm run demo`), the
 * stylesheet's compiler, and the thread that holds a PostgreSQL database connection
 * (src/db/postgres/bridge.ts).
 */
const ENTRIES = [
  "src/main.ts",
  "src/cli/admin.ts",
  "src/cli/demo.ts",
  "src/web/assets/css.ts",
  "src/db/postgres/bridge-worker.ts",
];
/**
 * The server's built entry (build/main.js) is src/boot.ts, which turns on Node's compile cache
 * and then loads src/main.ts; the other entries are built from their own file.
 */
const ENTRY_SOURCES = { "src/main.ts": "src/boot.ts" };

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

/**
 * Packages loaded from node_modules at run time rather than bundled into build/: those with
 * native code (and the loaders that find it), those loaded only on first use (an upload, a
 * mail, a news feed, a PostgreSQL queue, a stylesheet compiled at start), and the build's own
 * tools. Everything else the code imports is bundled.
 */
export const EXTERNAL = new Set([
  "better-sqlite3",
  "argon2",
  "sharp",
  "pg",
  "nodemailer",
  "rss-parser",
  "sass",
  "esbuild",
  "tsx",
]);

/** The package a bare import names: "@fedify/fedify/federation" is "@fedify/fedify". */
export function packageName(path) {
  const parts = path.split("/");
  return path.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** An esbuild plugin that leaves the packages in EXTERNAL (and Node's own) in node_modules. */
const externalPackages = {
  name: "copse-external-packages",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { external: true };
      return EXTERNAL.has(packageName(args.path)) ? { external: true } : undefined;
    });
  },
};

// Bundled CommonJS packages call require() for Node's own modules, which an ES module does not
// have; each output file gets one made for it.
const REQUIRE_BANNER =
  'import { createRequire as __copseCreateRequire } from "node:module"; const require = __copseCreateRequire(import.meta.url);';

/** esbuild's options for build/, shared with the test that checks what each command loads. */
export function bundleOptions(buildId = "dev") {
  return {
    absWorkingDir: root,
    entryPoints: ENTRIES.map((entry) => ({
      in: ENTRY_SOURCES[entry] ?? entry,
      out: entry.replace(/^src\//, "").replace(/\.ts$/, ""),
    })),
    outdir: outDir,
    bundle: true,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    platform: "node",
    format: "esm",
    target: "node22",
    // Packages are bundled, except those in EXTERNAL. Loaded from node_modules, Fedify,
    // OpenTelemetry, es-toolkit and drizzle-orm were some 600 modules that Node resolved
    // (reading each package's package.json again), compiled and linked one by one, which was
    // most of a start; bundled, they are a few files, and only the parts Copse uses.
    plugins: [externalPackages],
    // A package's ES module build before its CommonJS one: esbuild drops what Copse does not
    // use from ES modules only (OpenTelemetry's metrics SDK: 480 KB of CommonJS, 100 KB).
    mainFields: ["module", "main"],
    banner: { js: REQUIRE_BANNER },
    // Names the compile cache's directory (src/boot.ts), so a new build starts a new cache.
    define: { COPSE_BUILD_ID: JSON.stringify(buildId) },
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: "warning",
  };
}

/** Bundles every entry point into build/ and compiles the stylesheet there. */
export async function build() {
  const { build: esbuild } = await import("esbuild");
  const started = Date.now();
  // The stamp is taken before reading the sources, so an edit made during the build makes the
  // next start build again rather than run stale code.
  const startedAt = new Date();
  const { metafile } = await esbuild(bundleOptions(startedAt.getTime().toString(36)));
  const outputs = Object.keys(metafile.outputs);
  trimSourceMapFiles(outputs.filter((path) => path.endsWith(".map")).map((p) => resolve(root, p)));
  removeOldChunks(outputs);
  try {
    const css = await import(pathToFileURL(builtPath("src/web/assets/css.ts")).href);
    const sheet = await css.buildStylesheet({ outDir });
    removeOldStylesheets(sheet.fileName);
  } catch (error) {
    // Sass needs Node 20.19 or newer, and this script may run on an older Node; the server
    // then compiles the stylesheet when it starts, as it does when the sources have changed.
    console.error(
      `The stylesheet was not compiled (${error.message ?? error}); Copse will compile it at start.`,
    );
  }
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  return Date.now() - started;
}

/** Deletes chunks an earlier build wrote that this one no longer uses. */
function removeOldChunks(outputs) {
  const chunks = join(outDir, "chunks");
  if (!existsSync(chunks)) return;
  const current = new Set(outputs.map((path) => resolve(root, path)));
  for (const name of readdirSync(chunks)) {
    const path = join(chunks, name);
    if (!current.has(path)) rmSync(path, { force: true });
  }
}

/** Deletes stylesheets (and their manifests) compiled from earlier sources. */
function removeOldStylesheets(fileName) {
  const keep = new Set([fileName, `${fileName}.gz`]);
  for (const name of readdirSync(outDir)) {
    if (!/^copse[.-]/.test(name) || keep.has(name)) continue;
    if (name.startsWith("copse-stylesheet.")) {
      // A manifest is kept only if it names the current file.
      const text = readFileSafely(join(outDir, name));
      if (text?.includes(`"${fileName}"`)) continue;
    }
    rmSync(join(outDir, name), { force: true });
  }
}

function readFileSafely(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
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
