import type sharpModule from "sharp";

// sharp brings libvips, several megabytes of native code, into the process. Only an upload or
// a fetched remote picture needs it, so it is loaded on first use rather than at start: the
// server idles smaller, and the admin command line never loads it.

let loading: Promise<typeof sharpModule> | undefined;

/** The sharp image library, loaded on first call. */
export function loadSharp(): Promise<typeof sharpModule> {
  loading ??= import("sharp").then((module) => module.default);
  return loading;
}
