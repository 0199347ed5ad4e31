import { readFileSync } from "node:fs";
import { projectPath } from "./project-root.ts";

/** Copse's version, from package.json, as reported in NodeInfo and the User-Agent. */
export const COPSE_VERSION: string = JSON.parse(
  readFileSync(projectPath("package.json"), "utf8"),
).version;
