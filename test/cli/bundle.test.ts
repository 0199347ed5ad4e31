import { build, type Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleOptions, EXTERNAL, packageName } from "../../scripts/build.mjs";

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

/** The package a path inside node_modules belongs to. */
function packageOf(path: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
}

/**
 * The packages loaded with these outputs, following their static imports through chunks:
 * those bundled into them (by their source files) and those imported from node_modules, and
 * the chunks themselves.
 */
function packagesLoadedWith(...outputs: string[]): {
  all: Set<string>;
  external: Set<string>;
  chunks: Set<string>;
} {
  const seen = new Set<string>();
  const all = new Set<string>();
  const external = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const path = stack.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const input of Object.keys(metafile.outputs[path]!.inputs)) {
      const name = packageOf(input);
      if (name) all.add(name);
    }
    for (const imported of metafile.outputs[path]!.imports) {
      if (imported.kind !== "import-statement") continue;
      if (!imported.external) stack.push(imported.path);
      else if (!imported.path.startsWith("node:")) {
        all.add(packageName(imported.path));
        external.add(packageName(imported.path));
      }
    }
  }
  return { all, external, chunks: seen };
}

const HEAVY = ["sass", "sharp", "@fedify/fedify", "@fedify/vocab", "hono", "nodemailer"];

describe("the admin command line's bundle", () => {
  it("loads only the database and the command's own code to list communities", () => {
    const { all, external } = packagesLoadedWith(
      outputOf("src/cli/admin.ts"),
      outputOf("src/cli/commands.ts"),
    );
    expect(external).toContain("better-sqlite3");
    for (const name of HEAVY) expect(all, name).not.toContain(name);
    // drizzle-orm is bundled, so Node does not resolve its hundreds of modules one by one.
    expect(all).toContain("drizzle-orm");
    expect(external).not.toContain("drizzle-orm");
  });

  it("loads the federation library only for the command that sends an activity", () => {
    const atStart = packagesLoadedWith(outputOf("src/cli/admin.ts"));
    expect(atStart.all).not.toContain("@fedify/fedify");
    expect(packagesLoadedWith(outputOf("src/federation/instance.ts")).all).toContain(
      "@fedify/fedify",
    );
  });
});

describe("the server's bundle", () => {
  it("starts without the stylesheet compiler, the image library, the mailer or the feed reader", () => {
    const { all } = packagesLoadedWith(outputOf("src/boot.ts"), outputOf("src/main.ts"));
    expect(all).toContain("@fedify/fedify");
    expect(all).toContain("hono");
    for (const name of ["sass", "sharp", "nodemailer", "rss-parser"]) {
      expect(all, name).not.toContain(name);
    }
  });

  it("holds Fedify, OpenTelemetry and the rest, loading from node_modules only native code", () => {
    const { all, external } = packagesLoadedWith(outputOf("src/boot.ts"), outputOf("src/main.ts"));
    for (const name of ["@fedify/fedify", "@fedify/vocab", "@opentelemetry/api", "es-toolkit"]) {
      expect(all, name).toContain(name);
      expect(external, name).not.toContain(name);
    }
    // What stays outside is listed, and at start it is the database and the password hasher.
    for (const name of external) expect(EXTERNAL, name).toContain(name);
    expect([...external].sort()).toEqual(["argon2", "better-sqlite3"]);
  });

  it("takes a package's ES module build, so the parts Copse does not use are left out", () => {
    const inputs = Object.keys(metafile.inputs);
    const metrics = inputs.filter((path) => packageOf(path) === "@opentelemetry/sdk-metrics");
    expect(metrics.length).toBeGreaterThan(0);
    expect(
      metrics.every((path) => path.includes("/build/esm/")),
      metrics.join("\n"),
    ).toBe(true);
  });

  it("loads the S3 client code only when an instance keeps its files in a bucket", () => {
    const atStart = packagesLoadedWith(outputOf("src/boot.ts"), outputOf("src/main.ts")).chunks;
    expect(atStart.has(outputOf("src/domain/storage/store.ts"))).toBe(true);
    expect(atStart.has(outputOf("src/domain/storage/s3.ts"))).toBe(false);
    expect(atStart.has(outputOf("src/domain/storage/sigv4.ts"))).toBe(false);
  });
});
