import "../helpers/temporal.ts";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Follow } from "@fedify/vocab";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { createInstanceFederation, openInstanceDatabase } from "../../src/instance.ts";
import { LOCK_FILE_NAME } from "../../src/server-lock.ts";
import { eventually } from "../helpers/instances.ts";

// `npm start` as a real process, since the process is the point: it must start quietly, stop
// on SIGTERM without losing a delivery it could not make, and leave the queue for next time.

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

async function unusedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

describe("the server process", { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "copse-shutdown-"));
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts without warnings and stops on SIGTERM keeping a delivery it could not make", async () => {
    const port = await unusedPort();
    const deadPeer = await unusedPort(); // nothing listens there
    const env = {
      PORT: String(port),
      HOST: "127.0.0.1",
      COPSE_ORIGIN: `http://127.0.0.1:${port}`,
      COPSE_DATA_DIR: dataDir,
      COPSE_ALLOW_PRIVATE_ADDRESS: "true",
      COPSE_LOG_LEVEL: "info",
    };
    // A Follow for a peer that is down, queued before the server starts.
    const config = loadConfig(env);
    const db = openInstanceDatabase(config);
    await createAccount(db, config.origin, {
      handle: "alice",
      email: "alice@example.org",
      password: "a long enough secret",
    });
    const ctx = createInstanceFederation(config, db).createContext(new URL(config.origin), {
      db,
      config,
    });
    const bob = new URL(`http://127.0.0.1:${deadPeer}/users/bob`);
    await ctx.sendActivity(
      { identifier: "alice" },
      { id: bob, inboxId: new URL(`http://127.0.0.1:${deadPeer}/users/bob/inbox`) },
      new Follow({
        id: new URL(`${config.origin}/follows/1`),
        actor: ctx.getActorUri("alice"),
        object: bob,
      }),
    );
    db.$client.close();

    const { PATH, HOME } = process.env;
    const server = spawn(process.execPath, ["--enable-source-maps", "build/main.js"], {
      cwd: projectRoot,
      env: { PATH, HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = server;
    let output = "";
    server.stdout!.on("data", (chunk) => {
      output += chunk;
    });
    server.stderr!.on("data", (chunk) => {
      output += chunk;
    });
    const exited = once(server, "exit");
    await eventually(() => {
      if (server.exitCode !== null) throw new Error(`The server exited:\n${output}`);
      return output.includes("is running");
    }, 120_000);
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(true);

    // The first attempt fails (connection refused) and the delivery is put back for later.
    const watcher = openDatabase(join(dataDir, "copse.db"));
    const retried = () =>
      watcher.$client
        .prepare("SELECT COUNT(*) AS n FROM fedify_queue WHERE available_at > created_at")
        .get() as { n: number };
    await eventually(() => retried().n > 0, 60_000);

    server.kill("SIGTERM");
    const [code] = await exited;
    expect(code, output).toBe(0);
    expect(output).toMatch(/Stopping Copse \(SIGTERM\)/);
    expect(output).toMatch(/Copse stopped; queued work is kept/);
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);

    // Still queued, unclaimed, for the next start to deliver.
    const rows = watcher.$client
      .prepare("SELECT message, claimed_by AS claimedBy FROM fedify_queue")
      .all() as { message: string; claimedBy: string | null }[];
    watcher.$client.close();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.message.includes(`127.0.0.1:${deadPeer}/users/bob/inbox`))).toBe(
      true,
    );
    expect(rows.every((r) => r.claimedBy === null || r.claimedBy === "(waiting)")).toBe(true);

    // A quiet start: nothing deprecated, no warnings (the risky-setting warning is expected here,
    // since the test allows private addresses).
    const warnings = output
      .split("\n")
      .filter((line) => /warn|deprecat/i.test(line))
      .filter((line) => !/COPSE_ALLOW_PRIVATE_ADDRESS is true/.test(line))
      .filter((line) => !/Stopping Copse|Message \d+ failed|Failed to send|retry/i.test(line));
    expect(warnings, output).toEqual([]);
    expect(output).toMatch(/COPSE_ALLOW_PRIVATE_ADDRESS is true/);
  });
});
