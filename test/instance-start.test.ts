import { once } from "node:events";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { startInstance } from "../src/instance.ts";
import { LOCK_FILE_NAME } from "../src/server-lock.ts";
import { TEST_STYLESHEET_DIR } from "./helpers/instances.ts";

// A start that cannot listen (the port is taken) must let go of the data directory and the
// database it opened: the process can then try again, and nothing keeps it from exiting.

describe("a start whose port is taken", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "copse-port-taken-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("fails with EADDRINUSE and leaves the data directory free for the next start", async () => {
    const blocker = createServer();
    blocker.listen(0, "127.0.0.1");
    await once(blocker, "listening");
    const { port } = blocker.address() as { port: number };
    const config = loadConfig({
      PORT: String(port),
      HOST: "127.0.0.1",
      COPSE_ORIGIN: `http://127.0.0.1:${port}`,
      COPSE_DATA_DIR: dataDir,
      COPSE_LOG_LEVEL: "fatal",
    });
    await expect(
      startInstance(config, { stylesheetCacheDir: TEST_STYLESHEET_DIR }),
    ).rejects.toMatchObject({ code: "EADDRINUSE" });
    // The lock was given back: another process could take the directory now.
    expect(readdirSync(dataDir)).not.toContain(LOCK_FILE_NAME);
    blocker.close();
    await once(blocker, "close");
    const started = await startInstance(config, { stylesheetCacheDir: TEST_STYLESHEET_DIR });
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(response.status).toBe(200);
    } finally {
      await started.close({ graceMs: 0 });
    }
  });
});
