import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// Copse runs either from its TypeScript sources (tests, `npm run dev`) or from the JavaScript
// bundle that `npm start` builds into build/ (scripts/build.mjs). Files beside the code (the
// migrations, package.json, the stylesheet's sources, the live page's script) are found from
// the project's root, so the same code finds them from either place.

/** The directory holding Copse's package.json, found by walking up from this module. */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name;
      if (name === "copse") return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("Cannot find Copse's package.json above its code");
    dir = parent;
  }
}

/** The project's root directory (where package.json, migrations/ and src/ are). */
export const PROJECT_ROOT: string = findProjectRoot();

/** A path under the project's root, from its parts. */
export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}
