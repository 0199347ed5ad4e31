import { Temporal } from "@js-temporal/polyfill";

// Node 24 ships no global Temporal, while Fedify's types and retry policies use it. Importing
// this module once, first thing, installs the polyfill as the global for the whole process.
if (!("Temporal" in globalThis)) Object.assign(globalThis, { Temporal });
