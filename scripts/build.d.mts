// Types for scripts/build.mjs, which is plain JavaScript so it runs before Node 24 is found.

/** Whether build/ is missing or older than a source. */
export function isStale(): boolean;
/** Where an entry point's bundle is written: src/cli/admin.ts becomes build/cli/admin.js. */
export function builtPath(entry: string): string;
/** Bundles every entry point into build/ and compiles the stylesheet; resolves to the milliseconds it took. */
export function build(): Promise<number>;
/** esbuild's options for build/ (entry points, chunk splitting, metafile); `buildId` names the compile cache. */
export function bundleOptions(
  buildId?: string,
): import("esbuild").BuildOptions & { metafile: true };
/** Packages loaded from node_modules at run time rather than bundled into build/. */
export const EXTERNAL: Set<string>;
/** The package a bare import names: "@fedify/fedify/federation" is "@fedify/fedify". */
export function packageName(path: string): string;
