import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CopseProcess } from "../helpers/copse-process.ts";
import { freePort } from "../helpers/free-port.ts";

// Web processes on one machine share one port, so an instance runs one per core without a
// load balancer (src/instance.ts). Processes are the point, so they are real ones.

describe.skipIf(process.platform !== "linux")("web processes on one port", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "copse-shared-port-"));
  const processes: CopseProcess[] = [];

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("start together on the port and keep it answered when one stops", async () => {
    const port = await freePort();
    const env = {
      HOST: "127.0.0.1",
      PORT: String(port),
      COPSE_ORIGIN: `http://127.0.0.1:${port}`,
      COPSE_DATA_DIR: dataDir,
      COPSE_ROLE: "web",
      COPSE_LOG_LEVEL: "info",
    };
    const first = CopseProcess.start("web 1", env);
    processes.push(first);
    await first.started();
    // Without the shared port the second would stop at once: "address already in use".
    const second = CopseProcess.start("web 2", env);
    processes.push(second);
    await second.started();
    expect(second.output).not.toContain("EADDRINUSE");

    const health = async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
    expect(await health()).toBe(200);
    // With the first gone, every new connection reaches the second.
    await first.stop();
    expect(second.running).toBe(true);
    for (let i = 0; i < 5; i++) expect(await health()).toBe(200);
  });
});
