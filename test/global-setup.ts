import { build, isStale } from "../scripts/build.mjs";

// Tests that start Copse as a process (the admin command line, the server's shutdown) run the
// JavaScript that `npm start` runs, so it is built once before the suite when a source changed.

/** Builds build/ from src/ when it is missing or stale. */
export default async function setup(): Promise<void> {
  if (isStale()) await build();
}
