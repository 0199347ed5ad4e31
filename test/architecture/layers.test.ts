import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildGraph, checkGraph, findCycles, MAX_LINES, readSources } from "./import-graph.ts";

// Keeps the layers of ARCHITECTURE.md honest: web and jobs -> federation -> domain -> db,
// no import cycles, no file over MAX_LINES lines. The fixture graphs below show that each
// rule fails, and names the file, when broken.

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

describe("the import graph of src/", () => {
  const graph = buildGraph(readSources(SRC));

  it("keeps every import pointing down the layers, without cycles or overlong files", () => {
    expect(checkGraph(graph)).toEqual([]);
  });

  it("resolves every relative import to a file of src/ (so no import escapes the checks)", () => {
    const unresolved = [...graph].flatMap(([file, source]) =>
      source.imports
        .filter((i) => i.target !== null && !graph.has(i.target))
        .map((i) => `${file} -> ${i.specifier}`),
    );
    expect(graph.size).toBeGreaterThan(100);
    expect(unresolved).toEqual([]);
  });
});

describe("the layer rules, on fixture graphs", () => {
  /** A fixture file of `lines` lines with these import statements at the top. */
  const file = (imports: string[] = [], lines = 5) =>
    [...imports, ...Array(Math.max(0, lines - imports.length)).fill("// text")].join("\n");

  const sound = {
    "main.ts": file(['import { startInstance } from "./instance.ts";']),
    "instance.ts": file([
      'import { createApp } from "./web/app.ts";',
      'import "./jobs/runner.ts";',
    ]),
    "web/app.ts": file([
      'import { Hono } from "hono";',
      "import {\n  publishPost,\n  type Post,\n} from '../federation/posts.ts';",
      'export { visible } from "../domain/items.ts";',
    ]),
    "jobs/runner.ts": file(['const later = await import("../federation/posts.ts");']),
    "federation/posts.ts": file(['import { composeItem } from "../domain/items.ts";']),
    "domain/items.ts": file([
      'import type { Db } from "../db/client.ts";',
      'import "../logging.ts";',
    ]),
    "db/client.ts": file(['import Database from "better-sqlite3";']),
    "logging.ts": file(['import type { Config } from "./config.ts";']),
    "config.ts": file(["const port = process.env.PORT;"]),
  };

  it("accepts a graph that follows every rule", () => {
    const graph = buildGraph(sound);
    expect(checkGraph(graph)).toEqual([]);
    // The multi-line, re-export and dynamic forms were all read.
    expect(graph.get("web/app.ts")!.imports.map((i) => i.target)).toEqual([
      null,
      "federation/posts.ts",
      "domain/items.ts",
    ]);
    expect(graph.get("jobs/runner.ts")!.imports[0]!.target).toBe("federation/posts.ts");
  });

  it.each([
    ["domain/items.ts", 'import { render } from "../web/app.ts";', "../web/app.ts"],
    ["domain/items.ts", 'import { publishPost } from "../federation/posts.ts";', "../federation"],
    ["db/client.ts", 'export type { Item } from "../domain/items.ts";', "../domain/items.ts"],
    ["federation/posts.ts", 'const app = await import("../web/app.ts");', "../web/app.ts"],
    ["web/app.ts", 'import { runJobs } from "../jobs/runner.ts";', "../jobs/runner.ts"],
    ["jobs/runner.ts", 'import { createApp } from "../web/app.ts";', "../web/app.ts"],
    ["domain/items.ts", 'import type { Config } from "../config.ts";', "../config.ts"],
    ["web/app.ts", 'import { startInstance } from "../instance.ts";', "../instance.ts"],
    ["domain/items.ts", 'import type { Context } from "hono";', '"hono"'],
    ["domain/items.ts", 'import { Note } from "@fedify/vocab";', "@fedify/vocab"],
  ])("refuses %s importing the wrong way: %s", (at, statement, named) => {
    const broken = { ...sound, [at]: `${statement}\n${sound[at as keyof typeof sound]}` };
    const problems = checkGraph(buildGraph(broken));
    // Layer problems come first; a wrong-way import often closes a cycle too, named after it.
    expect(problems[0]).toMatch(/a layer above it|a web or federation framework/);
    expect(problems[0]).toContain(at);
    expect(problems[0]).toContain(named);
  });

  it("names the files of an import cycle, in order", () => {
    const cyclic = {
      ...sound,
      "domain/a.ts": file(['import { b } from "./b.ts";']),
      "domain/b.ts": file(['import { c } from "./c.ts";']),
      "domain/c.ts": file(['import type { A } from "./a.ts";']),
    };
    expect(findCycles(buildGraph(cyclic))).toEqual([
      ["domain/a.ts", "domain/b.ts", "domain/c.ts", "domain/a.ts"],
    ]);
    expect(checkGraph(buildGraph(cyclic))).toEqual([
      "Import cycle: domain/a.ts -> domain/b.ts -> domain/c.ts -> domain/a.ts",
    ]);
  });

  it("names a file that imports itself", () => {
    const selfish = { ...sound, "web/loop.ts": file(['export * from "./loop.ts";']) };
    expect(checkGraph(buildGraph(selfish))).toEqual(["Import cycle: web/loop.ts -> web/loop.ts"]);
  });

  it(`names a file over ${MAX_LINES} lines, and accepts one of exactly ${MAX_LINES}`, () => {
    const long = {
      ...sound,
      "web/long.ts": file([], MAX_LINES + 1),
      "web/just-right.ts": `${file([], MAX_LINES)}\n`,
    };
    expect(checkGraph(buildGraph(long))).toEqual([
      `web/long.ts has ${MAX_LINES + 1} lines, over ${MAX_LINES}`,
    ]);
  });

  it("names a file other than config.ts that reads the environment", () => {
    const leaky = { ...sound, "web/app.ts": `${sound["web/app.ts"]}\nprocess.env.SECRET;` };
    expect(checkGraph(buildGraph(leaky))).toEqual([
      "web/app.ts reads process.env, which only config.ts may read",
    ]);
  });
});
