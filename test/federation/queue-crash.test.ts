import "../helpers/temporal.ts";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { SqliteMessageQueue } from "../../src/federation/queue.ts";
import { listen, rows, sleep, stopAll, waitFor } from "../helpers/queue-harness.ts";

// The queue's promise that survives a crash, tested with a real process that is killed while
// it holds a message (test/fixtures/queue-worker.ts).

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

describe("SqliteMessageQueue across a crash", () => {
  let dir: string;
  let child: ChildProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "copse-queue-crash-"));
  });

  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("re-delivers the message of a killed process once, and keeps its delayed one", async () => {
    const path = join(dir, "copse.db");
    const delayMs = 3_000;
    const worker = spawn(
      process.execPath,
      ["--import", "tsx", join(projectRoot, "test/fixtures/queue-worker.ts"), path, `${delayMs}`],
      { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = worker;
    let stderr = "";
    worker.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const events: { event: string; kind?: string; enqueuedAt?: number }[] = [];
    createInterface({ input: worker.stdout! }).on("line", (line) => events.push(JSON.parse(line)));
    const exited = once(worker, "exit");
    await Promise.race([
      waitFor(() => events.some((e) => e.event === "started"), 20_000),
      exited.then(() => {
        throw new Error(`The worker exited before its handler started:\n${stderr}`);
      }),
    ]);
    worker.kill("SIGKILL");
    await exited;
    const enqueuedAt = events.find((e) => e.event === "enqueued")!.enqueuedAt!;
    expect(events.filter((e) => e.event === "started")).toEqual([
      { event: "started", kind: "blocking" },
    ]);

    const db = openDatabase(path);
    try {
      runMigrations(db);
      // The killed process left its claim behind and had not yet touched the delayed message.
      expect(rows(db)).toEqual([
        expect.objectContaining({ message: '{"kind":"delayed"}', claimed_by: null }),
        expect.objectContaining({
          message: '{"kind":"blocking"}',
          claimed_by: expect.stringMatching(/^doomed-worker:/),
        }),
      ]);
      const queue = new SqliteMessageQueue(db, { pollIntervalMs: 50 });
      const deliveries: { kind: string; at: number }[] = [];
      // The delay survived the crash: the message is still due no earlier than it was (read
      // from the row, so a restart slowed by a busy machine past the delay still shows it).
      const delayed = rows(db).find((row) => row.message === '{"kind":"delayed"}')!;
      expect(delayed.available_at).toBeGreaterThanOrEqual(enqueuedAt + delayMs);
      listen(queue, (message) => {
        deliveries.push({ kind: (message as { kind: string }).kind, at: Date.now() });
      });
      await waitFor(() => deliveries.some((d) => d.kind === "delayed"), 10_000);
      // Give a duplicate delivery time to show up before counting.
      await sleep(200);
      expect(deliveries.map((d) => d.kind)).toEqual(["blocking", "delayed"]);
      expect(deliveries[1]!.at).toBeGreaterThanOrEqual(enqueuedAt + delayMs);
      expect(rows(db)).toEqual([]);
    } finally {
      await stopAll();
      db.$client.close();
    }
  });
});
