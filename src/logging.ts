import { AsyncLocalStorage } from "node:async_hooks";
import {
  configure,
  getConsoleSink,
  getLogger,
  jsonLinesFormatter,
  type Logger,
  reset,
} from "@logtape/logtape";
import type { Config } from "./config.ts";

/**
 * Configures LogTape once for the process: Copse's and Fedify's categories to the console, as
 * text or, for log collectors, as JSON lines (one object per record).
 */
export async function configureLogging(
  level: Config["logLevel"],
  format: Config["logFormat"] = "text",
): Promise<void> {
  await configure({
    reset: true,
    // Without a context store LogTape warns on every request; with it, request-scoped
    // properties (set by Fedify) flow into every record.
    contextLocalStorage: new AsyncLocalStorage(),
    sinks: {
      console: getConsoleSink(format === "json" ? { formatter: jsonLinesFormatter } : {}),
    },
    loggers: [
      { category: ["copse"], lowestLevel: level, sinks: ["console"] },
      {
        category: ["fedify"],
        // Fedify's warnings show at info and below; "error" and "fatal" quiet them too.
        lowestLevel:
          level === "error" || level === "fatal" || level === "debug" || level === "trace"
            ? level
            : "warning",
        sinks: ["console"],
      },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}

/** Removes LogTape's configuration (used when a process shuts down in tests). */
export async function resetLogging(): Promise<void> {
  await reset();
}

/** Returns the logger for one area of Copse, under the `copse` category tree. */
export function logger(...area: string[]): Logger {
  return getLogger(["copse", ...area]);
}
