import { afterEach, describe, expect, it, vi } from "vitest";
import type { Config } from "../src/config.ts";
import { configureLogging, logger } from "../src/logging.ts";

// COPSE_LOG_FORMAT=json: every record reaches the console as one JSON object, which a log
// collector can parse without knowing Copse's text layout.

describe("log formats", () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    // Back to what the rest of the suite runs with.
    await configureLogging(process.env.COPSE_TEST_LOG as Config["logLevel"]);
  });

  function captureConsole(): string[] {
    const lines: string[] = [];
    for (const method of ["debug", "info", "log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    return lines;
  }

  it("writes JSON lines when asked, with the message and its properties", async () => {
    await configureLogging("info", "json");
    const lines = captureConsole();
    logger("test").info("Delivered {count} activities", { count: 3 });
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({
      level: "INFO",
      logger: "copse.test",
      message: "Delivered 3 activities",
      properties: { count: 3 },
    });
  });

  it("writes text by default", async () => {
    await configureLogging("info");
    const lines = captureConsole();
    logger("test").info("Delivered {count} activities", { count: 3 });
    // The console formatter styles its parts with %c and %o placeholders.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/copse·test .*Delivered .* activities/);
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });
});
