import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/instances.ts";

// What `npm start` leaves running: npm runs the script with sh, and the script execs Node, so
// the process npm started is the server itself, with no launcher beside it holding memory.
// Run through sh as npm does (npm's own process is not the point here).

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const scripts = (
  JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

async function unusedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

/** The ids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.skipIf(!existsSync("/proc/self/exe"))("npm start", { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "copse-start-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("is what the systemd unit runs, node itself with the same arguments", () => {
    const unit = readFileSync(join(projectRoot, "deploy/copse.service"), "utf8");
    const execStart = /^ExecStart=(\S+) (.*)$/m.exec(unit);
    expect(execStart?.[1]).toMatch(/\/node$/);
    expect(scripts.start!.endsWith(`--which)" ${execStart?.[2]}`)).toBe(true);
    // With the same allocator settings that npm start gives Node (unless the caller sets them).
    const allocator = [...scripts.start!.matchAll(/\b(MALLOC_[A-Z_]+)=\$\{\1:-([^}]*)\}/g)].map(
      ([, name, value]) => `${name}=${value}`,
    );
    expect(allocator).toEqual(["MALLOC_ARENA_MAX=2", "MALLOC_TRIM_THRESHOLD_=131072"]);
    expect([...unit.matchAll(/^Environment=(MALLOC_[A-Z_]+=\S+)$/gm)].map((m) => m[1])).toEqual(
      allocator,
    );
  });

  it("prints, with --which, a Node new enough to run Copse", () => {
    const which = spawnSync(process.execPath, ["scripts/ensure-node.mjs", "--which"], {
      cwd: projectRoot,
      encoding: "utf8",
    });
    expect(which.status, which.stderr).toBe(0);
    const version = spawnSync(which.stdout.trim(), ["--version"], { encoding: "utf8" }).stdout;
    expect(Number(/^v(\d+)\./.exec(version)?.[1])).toBeGreaterThanOrEqual(22);
  });

  it("runs the server as the very process it started, with no launcher left over", async () => {
    const port = await unusedPort();
    const { PATH, HOME } = process.env;
    const server = spawn("sh", ["-c", scripts.start!], {
      cwd: projectRoot,
      env: {
        PATH,
        HOME,
        PORT: String(port),
        HOST: "127.0.0.1",
        COPSE_ORIGIN: `http://127.0.0.1:${port}`,
        COPSE_DATA_DIR: dataDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    for (const stream of [server.stdout!, server.stderr!]) {
      stream.on("data", (chunk) => {
        output += chunk;
      });
    }
    const exited = once(server, "exit");
    try {
      await eventually(() => {
        if (server.exitCode !== null) throw new Error(`The server exited:\n${output}`);
        return output.includes("is running");
      }, 120_000);
      const node = spawnSync(process.execPath, ["scripts/ensure-node.mjs", "--which"], {
        cwd: projectRoot,
        encoding: "utf8",
      }).stdout.trim();
      // sh replaced itself with Node: the process started is Node, and it started no other.
      expect(readlinkSync(`/proc/${server.pid}/exe`)).toBe(realpathSync(node));
      expect(childrenOf(server.pid!)).toEqual([]);
      // glibc read its arena limit and trim threshold from the server's own environment.
      const environment = readFileSync(`/proc/${server.pid}/environ`, "utf8").split("\0");
      expect(environment).toContain("MALLOC_ARENA_MAX=2");
      expect(environment).toContain("MALLOC_TRIM_THRESHOLD_=131072");
      // The stylesheet was compiled by the build, not at this start.
      expect(output).not.toMatch(/Compiled stylesheet/);
    } finally {
      server.kill("SIGTERM");
      await exited;
    }
  });
});
