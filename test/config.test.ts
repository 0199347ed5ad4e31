import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConfigError,
  defaultMailFrom,
  loadConfig,
  parseConfigFile,
  readConfiguration,
} from "../src/config.ts";
import { riskySettings } from "../src/config-warnings.ts";

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

describe("COPSE_METRICS_TOKEN", () => {
  it("is off by default and must be a long token when set", () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    const token = "a".repeat(32);
    expect(loadConfig({ COPSE_METRICS_TOKEN: token }).metricsToken).toBe(token);
    for (const value of ["short", "has spaces in it but is long enough"]) {
      expect(() => loadConfig({ COPSE_METRICS_TOKEN: value })).toThrow(
        /COPSE_METRICS_TOKEN must be at least 24 letters/,
      );
    }
  });
});

describe("COPSE_QUEUE_URL", () => {
  it("keeps the queue in SQLite unless set, and takes only a PostgreSQL URL", () => {
    expect(loadConfig({}).queueUrl).toBeUndefined();
    for (const url of ["postgres://copse:pw@db:5432/copse", "postgresql://db/copse"]) {
      expect(loadConfig({ COPSE_QUEUE_URL: url }).queueUrl).toBe(url);
    }
    for (const value of ["mysql://secret@db/copse", "db:5432", "postgres:///copse"]) {
      let message = "";
      try {
        loadConfig({ COPSE_QUEUE_URL: value });
      } catch (error) {
        message = String(error);
      }
      expect(message).toMatch(/COPSE_QUEUE_URL must be a PostgreSQL URL/);
      // A mistyped URL may still hold a password, so the message does not repeat it.
      expect(message).not.toContain(value);
    }
  });
});

describe("COPSE_DATABASE_URL", () => {
  it("keeps the data in SQLite unless set, takes only a PostgreSQL URL, and takes the queue along", () => {
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    const url = "postgres://copse:pw@db:5432/copse";
    const both = loadConfig({ COPSE_DATABASE_URL: url });
    expect(both.databaseUrl).toBe(url);
    expect(both.queueUrl).toBe(url);
    const apart = loadConfig({
      COPSE_DATABASE_URL: url,
      COPSE_QUEUE_URL: "postgres://queue@other:5432/q",
    });
    expect(apart.queueUrl).toBe("postgres://queue@other:5432/q");
    let message = "";
    try {
      loadConfig({ COPSE_DATABASE_URL: "mysql://secret@db/copse" });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/COPSE_DATABASE_URL must be a PostgreSQL URL/);
    expect(message).not.toContain("secret");
  });
});

describe("OpenID Connect settings", () => {
  const base = {
    COPSE_OIDC_ISSUER: "https://login.microsoftonline.com/tenant-id/v2.0",
    COPSE_OIDC_CLIENT_ID: "copse",
    COPSE_OIDC_CLIENT_SECRET: "s3cret",
  };

  it("are off by default, and read with their defaults when issuer, client and secret are set", () => {
    expect(loadConfig({}).oidc).toBeUndefined();
    expect(loadConfig(base).oidc).toEqual({
      issuer: base.COPSE_OIDC_ISSUER,
      clientId: "copse",
      clientSecret: "s3cret",
      label: "your organisation's account",
      createAccounts: false,
      emailDomains: [],
    });
    const full = loadConfig({
      ...base,
      COPSE_OIDC_LABEL: "Oakshire Council",
      COPSE_OIDC_CREATE_ACCOUNTS: "yes",
      COPSE_OIDC_EMAIL_DOMAINS: " Oakshire.gov.uk, @partner.org ",
    }).oidc;
    expect(full).toMatchObject({
      label: "Oakshire Council",
      createAccounts: true,
      emailDomains: ["oakshire.gov.uk", "partner.org"],
    });
  });

  it("need all three of issuer, client and secret, and an https issuer except on loopback", () => {
    expect(() => loadConfig({ COPSE_OIDC_ISSUER: base.COPSE_OIDC_ISSUER })).toThrow(
      /needs all three of COPSE_OIDC_ISSUER, COPSE_OIDC_CLIENT_ID and COPSE_OIDC_CLIENT_SECRET/,
    );
    expect(() => loadConfig({ ...base, COPSE_OIDC_ISSUER: "http://idp.example.org" })).toThrow(
      /COPSE_OIDC_ISSUER must be the provider's https issuer URL/,
    );
    expect(loadConfig({ ...base, COPSE_OIDC_ISSUER: "http://127.0.0.1:9000" }).oidc?.issuer).toBe(
      "http://127.0.0.1:9000",
    );
    expect(() =>
      loadConfig({
        ...base,
        COPSE_OIDC_EMAIL_DOMAINS: "oakshire",
        COPSE_OIDC_CREATE_ACCOUNTS: "maybe",
      }),
    ).toThrow(
      /COPSE_OIDC_EMAIL_DOMAINS[\s\S]*COPSE_OIDC_CREATE_ACCOUNTS|COPSE_OIDC_CREATE_ACCOUNTS[\s\S]*COPSE_OIDC_EMAIL_DOMAINS/,
    );
  });

  it("are accepted in the configuration file", () => {
    expect(parseConfigFile("COPSE_OIDC_ISSUER=https://id.example.org\n").problems).toEqual([]);
  });
});

describe("riskySettings", () => {
  it("warns about private addresses and about plain http on a public name, not on localhost", () => {
    expect(riskySettings(loadConfig({}))).toEqual([]);
    expect(riskySettings(loadConfig({ COPSE_ORIGIN: "https://copse.example.gov.uk" }))).toEqual([]);
    const warnings = riskySettings(
      loadConfig({
        COPSE_ORIGIN: "http://copse.example.gov.uk",
        COPSE_ALLOW_PRIVATE_ADDRESS: "true",
      }),
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/COPSE_ALLOW_PRIVATE_ADDRESS is true/);
    expect(warnings[1]).toMatch(/COPSE_ORIGIN is http:\/\/copse\.example\.gov\.uk, plain http/);
  });
});

describe("the configuration file", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const tempDir = () => {
    dir = mkdtempSync(join(tmpdir(), "copse-config-"));
    return dir;
  };

  it("parses KEY=VALUE lines, comments, quotes and export, and names bad lines", () => {
    const { values, problems } = parseConfigFile(
      [
        "# The public address",
        "COPSE_ORIGIN=https://copse.example.gov.uk",
        "",
        'export COPSE_INSTANCE_NAME="Somerset Council"',
        "SMTP_URL=smtp://u:p#ss@mail.example.org:587",
        "COPSE_ORIGN=https://typo.example",
        "just words",
        "PORT=1",
        "PORT=2",
      ].join("\n"),
      "copse.env",
    );
    expect(values).toMatchObject({
      COPSE_ORIGIN: "https://copse.example.gov.uk",
      COPSE_INSTANCE_NAME: "Somerset Council",
      SMTP_URL: "smtp://u:p#ss@mail.example.org:587",
      PORT: "2",
    });
    expect(values).not.toHaveProperty("COPSE_ORIGN");
    expect(problems).toEqual([
      expect.stringMatching(/copse\.env line 6: COPSE_ORIGN is not a Copse setting/),
      expect.stringMatching(/copse\.env line 7 is not a KEY=VALUE line/),
      expect.stringMatching(/copse\.env line 9: PORT is set twice/),
    ]);
  });

  it("is read from the data directory, with the environment overriding it", () => {
    const dataDir = tempDir();
    writeFileSync(
      join(dataDir, "copse.env"),
      "COPSE_ORIGIN=https://copse.example.gov.uk\nCOPSE_INSTANCE_NAME=From the file\n",
    );
    const fromFile = readConfiguration({ COPSE_DATA_DIR: dataDir });
    expect(fromFile.origin).toBe("https://copse.example.gov.uk");
    expect(fromFile.instanceName).toBe("From the file");
    expect(fromFile.configFile).toBe(join(dataDir, "copse.env"));
    const overridden = readConfiguration({
      COPSE_DATA_DIR: dataDir,
      COPSE_INSTANCE_NAME: "From the environment",
      COPSE_ORIGIN: "",
    });
    expect(overridden.instanceName).toBe("From the environment");
    expect(overridden.origin).toBe("https://copse.example.gov.uk"); // empty does not override
    // Without a file, only the environment counts.
    expect(readConfiguration({ COPSE_DATA_DIR: join(dataDir, "none") }).configFile).toBeUndefined();
  });

  it("is read from COPSE_CONFIG, which must exist, and reports its problems with the values' ones", () => {
    const base = tempDir();
    const path = join(base, "etc", "copse.env");
    expect(() => readConfiguration({ COPSE_CONFIG: path })).toThrow(
      /COPSE_CONFIG names .*etc\/copse\.env, which does not exist/,
    );
    mkdirSync(join(base, "etc"));
    writeFileSync(path, `COPSE_DATA_DIR=${join(base, "data")}\nPORT=eighty\nNOPE=1\n`);
    try {
      readConfiguration({ COPSE_CONFIG: path });
      expect.unreachable("readConfiguration should have thrown");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toMatch(/line 3: NOPE is not a Copse setting/);
      expect(problems).toMatch(/PORT must be a whole number/);
    }
    writeFileSync(path, `COPSE_DATA_DIR=${join(base, "data")}\n`);
    expect(readConfiguration({ COPSE_CONFIG: path }).dataDir).toBe(join(base, "data"));
  });

  it("cannot move the data directory it sits in", () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, "copse.env"), "COPSE_DATA_DIR=/elsewhere\n");
    expect(() => readConfiguration({ COPSE_DATA_DIR: dataDir })).toThrow(
      /cannot move it \(set COPSE_CONFIG/,
    );
  });
});

describe("the default sender address", () => {
  it("uses the origin's host name, and an address literal for an IP address", () => {
    expect(defaultMailFrom("https://copse.example.gov.uk")).toBe("copse@copse.example.gov.uk");
    expect(defaultMailFrom("http://192.0.2.7:3000")).toBe("copse@[192.0.2.7]");
    expect(defaultMailFrom("http://[::1]:3000")).toBe("copse@[IPv6:::1]");
  });
});

describe("the log format", () => {
  it("is text unless COPSE_LOG_FORMAT asks for json, and refuses anything else", () => {
    expect(loadConfig({}).logFormat).toBe("text");
    expect(loadConfig({ COPSE_LOG_FORMAT: "json" }).logFormat).toBe("json");
    expect(() => loadConfig({ COPSE_LOG_FORMAT: "xml" })).toThrow(/COPSE_LOG_FORMAT must be/);
  });
});
