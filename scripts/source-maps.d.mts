// Types for scripts/source-maps.mjs, plain JavaScript run by scripts/build.mjs.

/** A source map (version 3) as JSON. */
export interface RawSourceMap {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  sourcesContent?: (string | null)[];
  [key: string]: unknown;
}
/** Decodes one segment of a source map's `mappings` (Base64 VLQ) into its numbers. */
export function decodeSegment(text: string): number[];
/** Encodes numbers as one segment of a source map's `mappings`. */
export function encodeSegment(values: number[]): string;
/** A source map keeping only the mappings into sources that `keep` accepts. */
export function trimSourceMap(map: RawSourceMap, keep: (source: string) => boolean): RawSourceMap;
/** Whether a source, as a map names it, is Copse's own code rather than a package's. */
export function isOwnSource(source: string): boolean;
/** Trims the source map files at these paths in place. */
export function trimSourceMapFiles(paths: string[]): void;
