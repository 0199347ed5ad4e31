import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";

// The captured fediverse payloads live beside the project (in CI only) and are read in place,
// never copied into it; without them the sweep is skipped with a clear message.

const projectRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const FIXTURES = join(projectRoot, "..", "shared", "fixtures", "fediverse");
export const haveFixtures = existsSync(FIXTURES);
if (!haveFixtures) {
  console.warn(
    `Skipping the fediverse fixture sweep: ../shared/fixtures/fediverse not found (it exists only in CI); looked in ${FIXTURES}`,
  );
}

/** Fixture files under a folder named `folder` (at any depth below it), as sorted `a/b/c.json`. */
export function discover(folder: "activities" | "objects"): string[] {
  if (!haveFixtures) return [];
  return (readdirSync(FIXTURES, { recursive: true }) as string[])
    .map((p) => p.split(sep).join("/"))
    .filter((p) => p.endsWith(".json") && p.split("/").slice(0, -1).includes(folder))
    .sort();
}

// biome-ignore lint/suspicious/noExplicitAny: fixtures are arbitrary JSON-LD.
export type Json = any;

/** Reads one fixture file, by its path under the fixtures folder. */
export function fixture(path: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, path), "utf8"));
}
