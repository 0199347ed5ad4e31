import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("loadConfig", () => {
  it("has working defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.origin).toBe("http://localhost:3000");
    expect(config.allowPrivateAddress).toBe(false);
    expect(config.registration).toBe("open");
    expect(config.dataDir).toMatch(/data$/);
    expect(config.smtpUrl).toBeUndefined();
  });

  it("derives the default origin from PORT and normalises a given one", () => {
    expect(loadConfig({ PORT: "8080" }).origin).toBe("http://localhost:8080");
    expect(loadConfig({ COPSE_ORIGIN: "https://copse.example.gov.uk/" }).origin).toBe(
      "https://copse.example.gov.uk",
    );
  });

  it("caps what is fetched from other servers at 1 MiB unless COPSE_FETCH_MAX_BYTES says otherwise", () => {
    expect(loadConfig({}).fetchMaxBytes).toBe(1024 * 1024);
    expect(loadConfig({ COPSE_FETCH_MAX_BYTES: "262144" }).fetchMaxBytes).toBe(262144);
    for (const value of ["1MB", "-1", "100", "1000000000"]) {
      expect(() => loadConfig({ COPSE_FETCH_MAX_BYTES: value })).toThrow(
        /COPSE_FETCH_MAX_BYTES must be a whole number of bytes from 16384 to 67108864/,
      );
    }
  });

  it("reports every problem at once, each with how to fix it", () => {
    try {
      loadConfig({
        PORT: "eighty",
        COPSE_ORIGIN: "ftp://x/y",
        COPSE_ALLOW_PRIVATE_ADDRESS: "maybe",
        SMTP_URL: "mail.example.org",
        COPSE_REGISTRATION: "sometimes",
      });
      expect.unreachable("loadConfig should have thrown");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(5);
      expect(problems.join("\n")).toMatch(/PORT must be a whole number.*e\.g\. PORT=3000/);
      expect(problems.join("\n")).toMatch(/COPSE_ORIGIN must be an http\(s\) origin/);
      expect(problems.join("\n")).toMatch(/SMTP_URL must look like smtp:\/\//);
      expect((error as Error).message).toMatch(/^Copse cannot start; fix the configuration:/);
    }
  });
});
