// Trims the source maps of build/. With the packages bundled too, esbuild's maps describe some
// 7 MB of JavaScript, and Node, run with --enable-source-maps, parses every map of a module it
// loads and keeps each mapping in memory: about 40 MB of the server's resident memory and
// 0.1 s of its start went to mappings of packages' code. Stack traces need Copse's frames
// mapped to their line and column in src/, and a package's frame to its file and line, so a
// package's code keeps one mapping a line; the embedded source text, which stack traces never
// read, is dropped too (debuggers find src/ beside build/).
//
// This file runs on any Node the README allows (see scripts/build.mjs): plain JavaScript.

import { readFileSync, writeFileSync } from "node:fs";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((char, i) => [char, i]));

/** Decodes one segment of a source map's `mappings` (Base64 VLQ) into its numbers. */
export function decodeSegment(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`Not a Base64 VLQ digit: ${char}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Encodes numbers as one segment of a source map's `mappings`. */
export function encodeSegment(values) {
  let text = "";
  for (const number of values) {
    let value = number < 0 ? (-number << 1) | 1 : number << 1;
    do {
      let digit = value & 31;
      value >>>= 5;
      if (value > 0) digit |= 32;
      text += BASE64[digit];
    } while (value > 0);
  }
  return text;
}

/**
 * A source map that keeps every mapping into the sources `keep` accepts and, for the others,
 * only the first mapping of each line (or of each run on a line after kept code). Node's
 * reader takes the nearest mapping before a position, so a package's code still maps to its
 * own file and line, only not to the column; a map without those mappings would send it to
 * whatever Copse line came before it.
 */
export function trimSourceMap(map, keep) {
  const kept = map.sources.map((source) => keep(source));
  // Absolute values of the fields that are relative to the previous segment in the file.
  const at = { source: 0, line: 0, column: 0, name: 0 };
  // The same fields as last written, since the output's segments are relative to those.
  const out = { source: 0, line: 0, column: 0, name: 0 };
  const lines = map.mappings.split(";").map((generatedLine) => {
    let generatedColumn = 0;
    let writtenColumn = 0;
    // The source of the last segment written on this line, if a package's; -1 otherwise.
    let runOf = -1;
    const segments = [];
    for (const segment of generatedLine.split(",")) {
      if (segment === "") continue;
      const values = decodeSegment(segment);
      generatedColumn += values[0];
      if (values.length === 1) {
        segments.push(encodeSegment([generatedColumn - writtenColumn]));
        writtenColumn = generatedColumn;
        runOf = -1;
        continue;
      }
      at.source += values[1];
      at.line += values[2];
      at.column += values[3];
      if (values.length > 4) at.name += values[4];
      if (!kept[at.source]) {
        if (runOf === at.source) continue;
        runOf = at.source;
      } else {
        runOf = -1;
      }
      const fields = [
        generatedColumn - writtenColumn,
        at.source - out.source,
        at.line - out.line,
        at.column - out.column,
      ];
      if (values.length > 4) {
        fields.push(at.name - out.name);
        out.name = at.name;
      }
      segments.push(encodeSegment(fields));
      writtenColumn = generatedColumn;
      out.source = at.source;
      out.line = at.line;
      out.column = at.column;
    }
    return segments.join(",");
  });
  const { sourcesContent: _, ...rest } = map;
  return { ...rest, mappings: lines.join(";") };
}

/** Whether a source, as a map names it, is Copse's own code rather than a package's. */
export function isOwnSource(source) {
  return !source.split(/[\\/]/).includes("node_modules");
}

/** Trims the source map files at these paths in place (see the top of this file). */
export function trimSourceMapFiles(paths) {
  for (const path of paths) {
    const map = JSON.parse(readFileSync(path, "utf8"));
    writeFileSync(path, JSON.stringify(trimSourceMap(map, isOwnSource)));
  }
}
