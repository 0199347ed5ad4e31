import { readFileSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Runs the longest test files first, so that the three workers finish together instead of
// one of them starting a 40-second file when the others have nothing left. Vitest orders by
// the durations it cached on this machine, and without them (a fresh clone, CI) by file size,
// which put the one-line viewport files and the demo's command-line test (40-50 s each) last.
// test/file-durations.json holds the seconds each file of 2 s or more took in a full run
// (`npm test` on the 2-core machine, under load); a cached duration, when there is one, wins.

const HINTS = JSON.parse(
  readFileSync(new URL("file-durations.json", import.meta.url), "utf8"),
) as Record<string, number>;

/** Vitest's sequencer with the committed durations as the fallback for uncached files. */
export default class LongestFirst extends BaseSequencer {
  /** Orders each project's files longest first (projects stay in vitest's order). */
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const position = new Map(base.map((spec, i) => [spec, i]));
    const seconds = (spec: TestSpecification) => {
      const cached = this.ctx.cache.getTestSpecificationResult(spec)?.duration;
      if (cached !== undefined) return cached / 1000;
      const relative = spec.moduleId.slice(spec.project.config.root.length + 1);
      return HINTS[relative] ?? 0;
    };
    return [...base].sort((a, b) => {
      if (a.project.name !== b.project.name) return position.get(a)! - position.get(b)!;
      return seconds(b) - seconds(a) || position.get(a)! - position.get(b)!;
    });
  }
}
