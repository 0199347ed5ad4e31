import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip as gzipCallback, constants as zlibConstants } from "node:zlib";
import { logger } from "../../logging.ts";
import { projectPath } from "../../project-root.ts";

const gzip = promisify(gzipCallback);
const log = logger("web", "assets");

/** The compiled site stylesheet, ready to serve. */
export interface Stylesheet {
  /** File name including a hash of the CSS, `copse.<contenthash>.css`, so it can be cached forever. */
  fileName: string;
  /** The compressed CSS text. */
  css: string;
  /** The same CSS, gzipped once at build time so requests never pay for compression. */
  gzip: Buffer;
}

/** What the cache manifest records about one compiled stylesheet. */
interface CacheManifest {
  fileName: string;
}

const SCSS_PATH = projectPath("src/web/assets/copse.scss");
const require = createRequire(import.meta.url);

/** Where `npm run build` (scripts/build.mjs) leaves the stylesheet it compiles ahead of time. */
export const PREBUILT_STYLESHEET_DIR = projectPath("build");

/**
 * The stylesheet for a starting server: the one compiled at build time when it matches the
 * sources, otherwise compiled now (or reused from `cacheDir`). A build-time copy means neither
 * the server nor its start ever loads Sass.
 */
export async function loadStylesheet(options: { cacheDir: string }): Promise<Stylesheet> {
  const key = await stylesheetKey();
  const prebuilt = await readCached(
    PREBUILT_STYLESHEET_DIR,
    manifestPathFor(PREBUILT_STYLESHEET_DIR, key),
  );
  if (prebuilt) {
    log.debug("Using the stylesheet compiled at build time, {fileName}", {
      fileName: prebuilt.fileName,
    });
    return prebuilt;
  }
  return buildStylesheet({ outDir: options.cacheDir });
}

/**
 * Names a compiled stylesheet by what its output depends on: our sources, the govuk-frontend
 * release they import and the Sass release (read from its package.json, so that checking a
 * cache never loads the compiler). Any change names a different cache entry.
 */
async function stylesheetKey(): Promise<string> {
  // copse.scss loads partials (_*.scss) beside it, so all of them make up the source.
  const scssDir = dirname(SCSS_PATH);
  const scssFiles = (await readdir(scssDir)).filter((name) => name.endsWith(".scss")).sort();
  const source = (
    await Promise.all(
      scssFiles.map(async (name) => `${name}\n${await readFile(join(scssDir, name), "utf8")}`),
    )
  ).join("\0");
  const [govukVersion, sassVersion] = await Promise.all(
    ["govuk-frontend", "sass"].map(packageVersion),
  );
  return hash(`${source}\0govuk-frontend@${govukVersion}\0sass@${sassVersion}`);
}

/** The version of an installed package, from the package.json above its entry point. */
async function packageVersion(name: string): Promise<string> {
  // Sass's exports do not include its package.json, so it is found from the entry point.
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
        name?: string;
        version: string;
      };
      if (manifest.name === name) return manifest.version;
    } catch (error) {
      if (!isMissingFile(error)) throw error;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the package.json of ${name}`);
    dir = parent;
  }
}

function manifestPathFor(dir: string, key: string): string {
  return join(dir, `copse-stylesheet.${key}.json`);
}

/** Compiles copse.scss (or reuses the copy cached in outDir) and returns it with a gzipped twin. */
export async function buildStylesheet(options: { outDir?: string } = {}): Promise<Stylesheet> {
  const outDir = options.outDir ?? PREBUILT_STYLESHEET_DIR;
  const manifestPath = manifestPathFor(outDir, await stylesheetKey());

  const cached = await readCached(outDir, manifestPath);
  if (cached) {
    log.debug("Reused cached stylesheet {fileName}", { fileName: cached.fileName });
    return cached;
  }

  const started = performance.now();
  const sass = await import("sass");
  const result = await sass.compileAsync(SCSS_PATH, {
    style: "compressed",
    // govuk-frontend is a dependency we do not edit, so its deprecation warnings are noise here.
    quietDeps: true,
    loadPaths: [join(dirname(require.resolve("govuk-frontend/package.json")), "dist")],
  });
  const css = result.css;
  const fileName = `copse.${hash(css)}.css`;
  const gzipped = await gzip(css, { level: zlibConstants.Z_BEST_COMPRESSION });

  await mkdir(outDir, { recursive: true });
  // The manifest is written last so that a reader who finds it also finds both files it names.
  await writeAtomically(join(outDir, fileName), css);
  await writeAtomically(join(outDir, `${fileName}.gz`), gzipped);
  await writeAtomically(manifestPath, JSON.stringify({ fileName } satisfies CacheManifest));

  log.info("Compiled stylesheet {fileName} ({bytes} bytes, {gzipBytes} gzipped) in {ms} ms", {
    fileName,
    bytes: Buffer.byteLength(css),
    gzipBytes: gzipped.byteLength,
    ms: Math.round(performance.now() - started),
  });
  return { fileName, css, gzip: gzipped };
}

/** Reads a previously built stylesheet named by the manifest, or undefined if any part is missing. */
async function readCached(outDir: string, manifestPath: string): Promise<Stylesheet | undefined> {
  let manifest: CacheManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, "utf8")) as CacheManifest;
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    // A corrupt manifest is not fatal: compiling again overwrites it.
    log.warn("Ignoring unreadable stylesheet cache {path}: {error}", { path: manifestPath, error });
    return undefined;
  }
  if (!/^copse\.[0-9a-f]+\.css$/.test(manifest.fileName)) return undefined;
  try {
    const [css, gzipped] = await Promise.all([
      readFile(join(outDir, manifest.fileName), "utf8"),
      readFile(join(outDir, `${manifest.fileName}.gz`)),
    ]);
    // Someone may have edited or truncated the file by hand; the name promises its content.
    if (`copse.${hash(css)}.css` !== manifest.fileName) return undefined;
    return { fileName: manifest.fileName, css, gzip: gzipped };
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw error;
  }
}

/** Writes a file under a temporary name and renames it, so concurrent starts never see half a file. */
async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  // A random part, not the time: several instances in one process may write in the same millisecond.
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Returns a short hex SHA-256 digest, long enough to make collisions irrelevant for caching. */
function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Tells whether an error from fs means the file does not exist. */
function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}
