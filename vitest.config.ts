import { defineConfig } from "vitest/config";
import LongestFirst from "./test/sequencer.ts";

export default defineConfig({
  test: {
    expect: { requireAssertions: true },
    // Generous limits: they only bound how long a broken test hangs, and a busy machine must
    // not turn a slow pass into a failure.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Most of a test's time is spent waiting on loopback HTTP, queues and Chromium, not on the
    // CPU, so three workers on two cores finish far sooner than the default of one.
    maxWorkers: 3,
    // The longest files start first (test/sequencer.ts), so no worker begins a long file
    // when the others are nearly done.
    sequence: { sequencer: LongestFirst },
    // Builds the JavaScript that the process-level tests start (see test/global-setup.ts).
    // test/postgres-setup.ts names the directory of the run's throwaway PostgreSQL cluster.
    globalSetup: ["test/global-setup.ts", "test/postgres-setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
          exclude: ["test/browser/**"],
          // Test files share their worker's modules instead of importing Fedify, the vocabulary,
          // Sass and the app again for each of ~180 files: that import was a third of the suite's
          // time (test/domain: 185 s isolated, 54 s shared, on this 2-core machine). Every file
          // closes the instances it starts and restores what it spies on, so nothing leaks.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          // A journey clicks through many pages; each page waits on the server and Chromium.
          testTimeout: 180_000,
          // As for the unit files: one import of the app for all the journeys, not one each
          // (the imports took nearly half of this project's time).
          isolate: false,
        },
      },
    ],
  },
});
