import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { settingsFromArguments } from "../src/config-role.ts";
import {
  DataDirInUseError,
  LOCK_FILE_NAME,
  lockDataDir,
  serverHolding,
} from "../src/server-lock.ts";

// The role a process takes (COPSE_ROLE or --role) and which processes may share a data
// directory: one `all` alone, or any number of web and worker processes.

describe("the role setting", () => {
  it("is all by default and takes web or worker", () => {
    expect(loadConfig({}).role).toBe("all");
    expect(loadConfig({ COPSE_ROLE: "web" }).role).toBe("web");
    expect(loadConfig({ COPSE_ROLE: " worker " }).role).toBe("worker");
  });

  it("refuses anything else, saying what it may be", () => {
    expect(() => loadConfig({ COPSE_ROLE: "workers" })).toThrow(ConfigError);
    expect(() => loadConfig({ COPSE_ROLE: "workers" })).toThrow(
      /COPSE_ROLE \(or --role\) must be one of all, web, worker \(got "workers"\)/,
    );
  });

  it("is read from --role, in either form, and refuses other arguments", () => {
    expect(settingsFromArguments([])).toEqual({ values: {}, problems: [] });
    expect(settingsFromArguments(["--role", "web"])).toEqual({
      values: { COPSE_ROLE: "web" },
      problems: [],
    });
    expect(settingsFromArguments(["--role=worker"]).values).toEqual({ COPSE_ROLE: "worker" });
    expect(settingsFromArguments(["--role"]).problems).toEqual([
      "--role needs a value: one of all, web, worker",
    ]);
    expect(settingsFromArguments(["--rol", "web"]).problems[0]).toMatch(
      /"--rol" is not an option of copse start/,
    );
  });
});

describe("sharing a data directory", () => {
  const dirs: string[] = [];
  const releases: (() => void)[] = [];
  afterEach(() => {
    for (const release of releases.splice(0)) release();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "copse-roles-"));
    dirs.push(dir);
    return dir;
  };
  /** Writes the lock file another live process (this test's parent) would have written. */
  const otherProcess = (dir: string, role: "all" | "web" | "worker") => {
    const file =
      role === "all" ? LOCK_FILE_NAME : `copse.${role}.${hostname()}.${process.ppid}.pid`;
    writeFileSync(join(dir, file), JSON.stringify({ pid: process.ppid, host: hostname(), role }));
  };

  it("lets web and worker processes share it, never beside a process doing everything", () => {
    const dir = dataDir();
    otherProcess(dir, "web");
    otherProcess(dir, "worker");
    releases.push(lockDataDir(dir, "worker"));
    expect(readdirSync(dir)).toContain(`copse.worker.${hostname()}.${process.pid}.pid`);
    expect(() => lockDataDir(dir, "all")).toThrow(/not with a process started without --role/);
  });

  it("refuses an all beside a web process, and a worker beside an all", () => {
    const withWeb = dataDir();
    otherProcess(withWeb, "web");
    expect(() => lockDataDir(withWeb, "all")).toThrow(DataDirInUseError);
    expect(() => lockDataDir(withWeb, "all")).toThrow(/role web/);

    const withAll = dataDir();
    otherProcess(withAll, "all");
    expect(() => lockDataDir(withAll, "worker")).toThrow(DataDirInUseError);
    expect(() => lockDataDir(withAll, "web")).toThrow(DataDirInUseError);
  });

  it("counts any live web or worker process as holding it (for restore), and forgets dead ones", () => {
    const dir = dataDir();
    expect(serverHolding(dir)).toBeUndefined();
    otherProcess(dir, "worker");
    expect(serverHolding(dir)).toMatchObject({ pid: process.ppid, role: "worker" });

    // A worker killed without its shutdown left its file: it is no rival, and is cleared away.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const stale = `copse.worker.${hostname()}.${dead}.pid`;
    writeFileSync(
      join(dir, stale),
      JSON.stringify({ pid: dead, host: hostname(), role: "worker" }),
    );
    releases.push(lockDataDir(dir, "web"));
    expect(readdirSync(dir)).not.toContain(stale);
  });
});
