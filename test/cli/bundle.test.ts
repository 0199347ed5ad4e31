import { build, type Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleOptions } from "../../scripts/build.mjs";

// What `npm start` and `npm run admin` load at start, read from esbuild's metafile for the same
// build as scripts/build.mjs (not from timings): code behind `await import()` is in chunks of
// its own, so only what an entry point imports statically, chunk by chunk, loads with it.

let metafile: Metafile;

beforeAll(async () => {
  ({ metafile } = await build({ ...bundleOptions(), write: false }));
}, 120_000);

/** The output file holding a source file's code. */
function outputOf(source: string): string {
  const found = Object.entries(metafile.outputs).find(
    ([path, output]) => !path.endsWith(".map") && source in output.inputs,
  );
  if (!found) throw new Error(`No output holds ${source}`);
  return found[0];
}

/** The packages loaded with these outputs: their static imports, followed through chunks. */
function packagesLoadedWith(...outputs: string[]): Set<string> {
  return loadedWith(outputs).packages;
}

/** The outputs (chunks) and packages loaded with these outputs, following static imports. */
function loadedWith(outputs: string[]): { chunks: Set<string>; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const path = stack.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imported of metafile.outputs[path]!.imports) {
      if (imported.kind !== "import-statement") continue;
      if (!imported.external) stack.push(imported.path);
      else if (!imported.path.startsWith("node:")) packages.add(imported.path);
    }
  }
  return { chunks: seen, packages };
}

const HEAVY = ["sass", "sharp", "@fedify/fedify", "@fedify/vocab", "hono", "nodemailer"];

describe("the admin command line's bundle", () => {
  it("loads only the database and the command's own code to list communities", () => {
    const loaded = packagesLoadedWith(
      outputOf("src/cli/admin.ts"),
      outputOf("src/cli/commands.ts"),
    );
    expect(loaded).toContain("better-sqlite3");
    for (const name of HEAVY) expect(loaded, name).not.toContain(name);
    // drizzle-orm is bundled, so Node does not resolve its hundreds of modules one by one.
    expect([...loaded].filter((name) => name.startsWith("drizzle-orm"))).toEqual([]);
  });

  it("loads the federation library only for the command that sends an activity", () => {
    const atStart = packagesLoadedWith(outputOf("src/cli/admin.ts"));
    expect(atStart).not.toContain("@fedify/fedify");
    expect(packagesLoadedWith(outputOf("src/federation/instance.ts"))).toContain("@fedify/fedify");
  });
});

describe("the server's bundle", () => {
  it("starts without the stylesheet compiler, the image library, the mailer or the feed reader", () => {
    const loaded = packagesLoadedWith(outputOf("src/main.ts"));
    expect(loaded).toContain("@fedify/fedify");
    expect(loaded).toContain("hono");
    for (const name of ["sass", "sharp", "nodemailer", "rss-parser"]) {
      expect(loaded, name).not.toContain(name);
    }
  });

  it("loads the S3 client code only when an instance keeps its files in a bucket", () => {
    const atStart = loadedWith([outputOf("src/main.ts")]).chunks;
    expect(atStart.has(outputOf("src/domain/storage/store.ts"))).toBe(true);
    expect(atStart.has(outputOf("src/domain/storage/s3.ts"))).toBe(false);
    expect(atStart.has(outputOf("src/domain/storage/sigv4.ts"))).toBe(false);
  });
});
