// Types for scripts/build.mjs, which is plain JavaScript so it runs before Node 24 is found.

/** Whether build/ is missing or older than a source. */
export function isStale(): boolean;
/** Where an entry point's bundle is written: src/cli/admin.ts becomes build/cli/admin.js. */
export function builtPath(entry: string): string;
/** Bundles every entry point into build/ and compiles the stylesheet; resolves to the milliseconds it took. */
export function build(): Promise<number>;
/** esbuild's options for build/ (entry points, chunk splitting, metafile). */
export function bundleOptions(): import("esbuild").BuildOptions & { metafile: true };
