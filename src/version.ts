import { readFileSync } from "node:fs";

/** Copse's version, from package.json, as reported in NodeInfo and the User-Agent. */
export const COPSE_VERSION: string = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
).version;
