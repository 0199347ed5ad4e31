import { Temporal } from "@js-temporal/polyfill";

/** Installs the Temporal polyfill as the global, as the server does at start-up. */
export function installTemporal(): void {
  // Node 24 has no global Temporal; Fedify and Copse's queue expect one, so tests that build
  // durations import this module first.
  if (!("Temporal" in globalThis)) Object.assign(globalThis, { Temporal });
}

installTemporal();
