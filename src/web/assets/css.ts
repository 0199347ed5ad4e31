import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip as gzipCallback, constants as zlibConstants } from "node:zlib";
import * as sass from "sass";
import { logger } from "../../logging.ts";
import { PROJECT_ROOT, projectPath } from "../../project-root.ts";

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

/** Compiles copse.scss (or reuses the copy cached in outDir) and returns it with a gzipped twin. */
export async function buildStylesheet(options: { outDir?: string } = {}): Promise<Stylesheet> {
  const outDir = options.outDir ?? join(PROJECT_ROOT, "build");
  // copse.scss loads partials (_*.scss) beside it, so all of them make up the source.
  const scssDir = dirname(SCSS_PATH);
  const scssFiles = (await readdir(scssDir)).filter((name) => name.endsWith(".scss")).sort();
  const source = (
    await Promise.all(
      scssFiles.map(async (name) => `${name}\n${await readFile(join(scssDir, name), "utf8")}`),
    )
  ).join("\0");
  const govukPackagePath = require.resolve("govuk-frontend/package.json");
  const govukVersion = (JSON.parse(await readFile(govukPackagePath, "utf8")) as { version: string })
    .version;

  // The output depends only on our source, the govuk-frontend release it imports and the
  // compiler, so a hash of those three names the cache entry; any change forces a rebuild.
  const sourceKey = hash(`${source}\0govuk-frontend@${govukVersion}\0sass@${sass.info}`);
  const manifestPath = join(outDir, `copse-stylesheet.${sourceKey}.json`);

  const cached = await readCached(outDir, manifestPath);
  if (cached) {
    log.debug("Reused cached stylesheet {fileName}", { fileName: cached.fileName });
    return cached;
  }

  const started = performance.now();
  const result = await sass.compileAsync(SCSS_PATH, {
    style: "compressed",
    // govuk-frontend is a dependency we do not edit, so its deprecation warnings are noise here.
    quietDeps: true,
    loadPaths: [join(dirname(govukPackagePath), "dist")],
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
