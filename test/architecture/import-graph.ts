import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";

// Reads the import graph of src/ and checks it against ARCHITECTURE.md: imports point down the
// layers (web and jobs -> federation -> domain -> db), there are no cycles, no file is over
// MAX_LINES long, the domain and the database know nothing of Hono or Fedify, and only
// config.ts reads the environment. Kept apart from the test so fixtures can exercise it.

/** The longest a source file may be, in lines. */
export const MAX_LINES = 450;

/** The layers of src/, from the composition root down to shared infrastructure. */
export type Layer =
  | "composition"
  | "web"
  | "jobs"
  | "federation"
  | "domain"
  | "db"
  | "infra"
  | "config";

/** Which layers each layer may import from; everything else is the wrong way. */
export const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  // main.ts, instance.ts and the CLI wire everything together.
  composition: ["composition", "web", "jobs", "federation", "domain", "db", "infra", "config"],
  // Web pages and background jobs sit side by side: both federate and both call the domain,
  // and neither imports the other (only the composition root starts the job runner).
  web: ["web", "federation", "domain", "db", "infra", "config"],
  jobs: ["jobs", "federation", "domain", "db", "infra", "config"],
  federation: ["federation", "domain", "db", "infra", "config"],
  // The rules take their settings as parameters: no config.ts below federation.
  domain: ["domain", "db", "infra"],
  db: ["db", "infra"],
  // Logging is configured from the Config type; the rest of infra stands alone.
  infra: ["infra", "config"],
  config: ["config"],
};

/** Packages the domain and the database must not import: they are web and federation tools. */
const FRAMEWORKS = /^(hono($|\/)|@fedify\/)/;

/** The layer of a file, by its path relative to src/ with forward slashes. */
export function layerOf(file: string): Layer {
  const [top] = file.split("/");
  switch (top) {
    case "web":
    case "jobs":
    case "federation":
    case "domain":
    case "db":
      return top;
    case "main.ts":
    // The built server's entry point, which loads main.ts (scripts/build.mjs).
    case "boot.ts":
    case "instance.ts":
    case "instance-db.ts":
    case "cli":
      return "composition";
    case "config.ts":
    // The configuration file's format and the setting names, split from config.ts for length.
    case "config-file.ts":
    // The process roles (COPSE_ROLE, --role), read with the rest of the configuration.
    case "config-role.ts":
    // Where uploaded files are kept (COPSE_FILES_DIR, COPSE_S3_*), split for the same reason.
    case "config-storage.ts":
      return "config";
    default:
      // logging.ts, temporal.ts, version.ts and any new top-level helper.
      return "infra";
  }
}

/** One import of one file: what it wrote, and the file in src/ it names (null for packages). */
export interface Import {
  specifier: string;
  target: string | null;
}

/** A file of src/ with its length and its imports. */
export interface SourceFile {
  lines: number;
  imports: Import[];
  readsEnv: boolean;
}

// `import ... from "x"`, `export ... from "x"`, `import "x"` and `import("x")`. Lazy `[^;]*?`
// spans multi-line import lists; strings and comments that merely contain the words are rare
// enough in this code base that a parser is not worth it.
const IMPORT =
  /(?:^|[^.\w])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|(?:^|[^.\w])import\s*["']([^"']+)["']|(?:^|[^.\w])import\(\s*["']([^"']+)["']\s*\)/gm;

/** Builds the graph from sources keyed by their path relative to src/ ("domain/items.ts"). */
export function buildGraph(sources: Record<string, string>): Map<string, SourceFile> {
  const graph = new Map<string, SourceFile>();
  for (const [file, text] of Object.entries(sources)) {
    const imports: Import[] = [];
    for (const match of text.matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2] ?? match[3])!;
      imports.push({ specifier, target: resolve(file, specifier, sources) });
    }
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    graph.set(file, { lines, imports, readsEnv: /\bprocess\.env\b/.test(text) });
  }
  return graph;
}

/** The file in `sources` a relative specifier names, or null for a package. */
function resolve(from: string, specifier: string, sources: Record<string, string>): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.ts`, `${base}/index.ts`];
  // An import of a file that does not exist is kept as written so the checks still see it.
  return candidates.find((c) => c in sources) ?? base;
}

/** Every problem in the graph, one sentence each naming the file; empty when all is well. */
export function checkGraph(graph: Map<string, SourceFile>): string[] {
  const problems: string[] = [];
  for (const [file, source] of graph) {
    const layer = layerOf(file);
    for (const { specifier, target } of source.imports) {
      if (target === null) {
        if ((layer === "domain" || layer === "db") && FRAMEWORKS.test(specifier)) {
          problems.push(`${file} (${layer}) imports "${specifier}", a web or federation framework`);
        }
      } else if (!MAY_IMPORT[layer].includes(layerOf(target))) {
        problems.push(
          `${file} (${layer}) imports "${specifier}" (${layerOf(target)}), a layer above it`,
        );
      }
    }
    if (source.lines > MAX_LINES) {
      problems.push(`${file} has ${source.lines} lines, over ${MAX_LINES}`);
    }
    if (source.readsEnv && file !== "config.ts") {
      problems.push(`${file} reads process.env, which only config.ts may read`);
    }
  }
  for (const cycle of findCycles(graph)) problems.push(`Import cycle: ${cycle.join(" -> ")}`);
  return problems;
}

/**
 * One cycle per strongly connected group of files (Tarjan's algorithm), each written as a
 * path that starts and ends at the same file. Type-only imports count: they are erased at run
 * time, but two modules that need each other's types are still one concept split in two.
 */
export function findCycles(graph: Map<string, SourceFile>): string[][] {
  const edges = (file: string) =>
    [...new Set(graph.get(file)?.imports.map((i) => i.target) ?? [])].filter(
      (t): t is string => t !== null && graph.has(t),
    );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of edges(file)) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      if (group.length > 1 || edges(file).includes(file)) groups.push(group);
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return groups.map((group) => cycleThrough(group.sort()[0]!, new Set(group), edges));
}

/** The shortest path from `start` back to itself inside one strongly connected group. */
function cycleThrough(
  start: string,
  group: Set<string>,
  edges: (file: string) => string[],
): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of edges(file)) {
      if (!group.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = file; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/** Reads every .ts and .tsx file under `dir` into the shape buildGraph takes. */
export function readSources(dir: string): Record<string, string> {
  const sources: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name)) {
        sources[relative(dir, path).split(sep).join("/")] = readFileSync(path, "utf8");
      }
    }
  };
  walk(dir);
  return sources;
}
