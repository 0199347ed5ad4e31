#!/usr/bin/env node
// `npm run test:browser [-- --screenshots DIR] [vitest arguments...]`: runs the browser journeys
// (vitest's "browser" project). With --screenshots DIR, the journeys also write full-page
// screenshots of the main pages at each width (320, 768 and 1280 px) into DIR for review; the
// browser helpers read it from the COPSE_SCREENSHOTS environment variable, which this sets.
// Plain JavaScript so it runs on whatever Node started npm; ensure-node.mjs picks the Node
// that runs vitest.

import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const env = { ...process.env };
const rest = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === "--screenshots" || arg.startsWith("--screenshots=")) {
    const dir = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[++i];
    if (!dir) {
      process.stderr.write("--screenshots needs a directory, e.g. --screenshots shots\n");
      process.exit(2);
    }
    env.COPSE_SCREENSHOTS = resolve(dir);
    mkdirSync(env.COPSE_SCREENSHOTS, { recursive: true });
  } else {
    rest.push(arg);
  }
}

const child = spawn(
  process.execPath,
  [
    join(projectRoot, "scripts", "ensure-node.mjs"),
    "vitest",
    "run",
    "--project",
    "browser",
    ...rest,
  ],
  { cwd: projectRoot, env, stdio: "inherit" },
);
child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
