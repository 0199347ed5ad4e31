import { existsSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  decodeSegment,
  encodeSegment,
  isOwnSource,
  type RawSourceMap,
  trimSourceMap,
} from "../../scripts/source-maps.mjs";

// build/'s source maps keep only the mappings into Copse's own code (scripts/source-maps.mjs):
// read back with Node's own source map reader, as --enable-source-maps reads them.

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

/** A map of two generated lines: the first from a package, the second from Copse then a package. */
function mixedMap(): RawSourceMap {
  // Segments: [generated column, source, line, column], each relative to the one before as
  // in a real map (the generated column only within its line).
  const line1 = [encodeSegment([0, 0, 10, 0]), encodeSegment([8, 0, 0, 8])].join(",");
  const line2 = [
    encodeSegment([0, 1, 4, 2]), // Copse's src/a.ts, line 14, column 10 (0-based)
    encodeSegment([6, -1, -2, -10]), // then the package's line 12, column 0
  ].join(",");
  return {
    version: 3,
    sources: ["../node_modules/pkg/index.js", "../src/a.ts"],
    sourcesContent: ["package code", "copse code"],
    names: [],
    mappings: `${line1};${line2}`,
  };
}

describe("trimming build/'s source maps", () => {
  it("encodes and decodes Base64 VLQ numbers", () => {
    const values = [0, 1, -1, 15, -16, 16, 1_000, -123_456];
    expect(decodeSegment(encodeSegment(values))).toEqual(values);
    expect(encodeSegment([0, 0, 16, 1])).toBe("AAgBC");
    expect(() => decodeSegment("A*")).toThrow(/Base64/);
  });

  it("keeps Copse's mappings and one a line for a package's code, which maps to its line", () => {
    const trimmed = trimSourceMap(mixedMap(), isOwnSource);
    expect(trimmed.sourcesContent).toBeUndefined();
    // The package's second mapping on the first line is dropped, the others are kept.
    expect(trimmed.mappings.split(";").map((line) => line.split(",").length)).toEqual([1, 2]);
    const map = new SourceMap(trimmed as never);
    // Copse's code still maps to its line and column (0-based here).
    expect(map.findEntry(1, 3)).toMatchObject({
      originalSource: expect.stringContaining("src/a.ts"),
      originalLine: 14,
      originalColumn: 10,
    });
    // The package's code maps to its own file and line, after Copse's on the same line too.
    expect(map.findEntry(1, 7)).toMatchObject({
      originalSource: expect.stringContaining("node_modules/pkg"),
      originalLine: 12,
    });
    expect(map.findEntry(0, 9)).toMatchObject({
      originalSource: expect.stringContaining("node_modules/pkg"),
      originalLine: 10,
    });
  });

  it("leaves build/'s maps without source text, and Copse's code mapped to src/", () => {
    const chunks = join(projectRoot, "build", "chunks");
    if (!existsSync(chunks)) throw new Error("build/ is missing: the global set-up builds it");
    const sources = new Set<string>();
    for (const name of readdirSync(chunks).filter((file) => file.endsWith(".map"))) {
      const map = JSON.parse(readFileSync(join(chunks, name), "utf8")) as RawSourceMap;
      expect(map.sourcesContent, name).toBeUndefined();
      for (const source of map.sources) sources.add(source);
    }
    expect([...sources].some((source) => /\/src\/federation\//.test(source))).toBe(true);
    expect([...sources].some((source) => source.includes("node_modules/@fedify/"))).toBe(true);
  });
});
