import { readdirSync, rmSync } from "node:fs";
import module from "node:module";
import { join } from "node:path";
import { readConfiguration } from "./config.ts";

// The server's built entry point (build/main.js, what `npm start`, the image and the systemd
// unit run; scripts/build.mjs): it turns on Node's compile cache, then starts the server
// (src/main.ts). The cache keeps V8's compiled code for build/ between starts, so a start
// skips compiling the bundle's 7 MB of JavaScript again. It lives under the data directory,
// which is writable even where the code is not (the container image), in a directory named
// by the build, so a new build does not leave the old one's cache behind.

/** Set by scripts/build.mjs: names this build. */
declare const COPSE_BUILD_ID: string;

/** The compile cache's directory for this build, after removing those of earlier builds. */
function compileCacheDir(): string | undefined {
  let dataDir: string;
  try {
    dataDir = readConfiguration().dataDir;
  } catch {
    // src/main.ts reads the configuration again and reports what is wrong with it.
    return undefined;
  }
  const parent = join(dataDir, "cache", "compile");
  try {
    for (const old of readdirSync(parent)) {
      if (old !== COPSE_BUILD_ID) rmSync(join(parent, old), { recursive: true, force: true });
    }
  } catch {
    // No cache yet.
  }
  return join(parent, COPSE_BUILD_ID);
}

// (When NODE_COMPILE_CACHE names a directory, Node has turned the cache on there already.)
const cacheDir = compileCacheDir();
if (cacheDir) module.enableCompileCache(cacheDir);
await import("./main.ts");
// What was compiled to start is written now rather than only when the process exits, so a
// server that is killed still leaves it for the next start. It waits a little, so the first
// requests are not kept waiting by it (it writes only what the cache did not hold).
if (cacheDir) setTimeout(() => module.flushCompileCache?.(), 2_000).unref();
