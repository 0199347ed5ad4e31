import "./temporal.ts";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import { createSetupToken, setupPath } from "./domain/first-run.ts";
import { dummyPasswordHash } from "./domain/passwords.ts";
import type { CopseFederation } from "./federation/context.ts";
import { createInstanceFederation } from "./federation/instance.ts";
import { openQueueBackend } from "./federation/queue-backend.ts";
import { openInstanceDatabase } from "./instance-db.ts";
import { JobRunner } from "./jobs/runner.ts";
import { instanceTasks } from "./jobs/tasks.ts";
import { logger } from "./logging.ts";
import { lockDataDir } from "./server-lock.ts";
import { createApp } from "./web/app.ts";
import { loadStylesheet } from "./web/assets/css.ts";

const log = logger("instance");

// What the command line and tests imported from here before these moved to their own files.
export { createInstanceFederation } from "./federation/instance.ts";
export { databasePath, NoDatabaseError, openInstanceDatabase } from "./instance-db.ts";

/** A running Copse instance: HTTP server, database, federation and queue worker. */
export interface RunningInstance {
  config: Config;
  db: Db;
  federation: CopseFederation;
  /** The address the server listens on (may differ from the public origin behind a proxy). */
  listenUrl: string;
  /** Background tasks: alerts, digests, mail, news refresh. */
  jobs: JobRunner;
  /**
   * Stops taking requests and waits up to `graceMs` (10 s by default) for those in flight, then
   * stops the queue worker and the job runner (letting running handlers finish; queued work
   * stays for the next start) and closes the database.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Starts a whole instance from its configuration. */
export async function startInstance(
  config: Config,
  options: { stylesheetCacheDir?: string } = {},
): Promise<RunningInstance> {
  mkdirSync(config.dataDir, { recursive: true });
  const unlock = lockDataDir(config.dataDir);
  let db: Db;
  try {
    db = openInstanceDatabase(config);
  } catch (error) {
    unlock();
    throw error;
  }
  const queueBackend = openQueueBackend(config, db);
  const federation = createInstanceFederation(config, db, queueBackend);
  // `npm run build` compiles the stylesheet ahead of time; when its sources changed since, it
  // is compiled here and cached under the data directory, which is writable even where the
  // code is not (the container image); tests share one cache to compile it once.
  const stylesheet = await loadStylesheet({
    cacheDir: options.stylesheetCacheDir ?? join(config.dataDir, "cache"),
  });
  const app = createApp({ db, config, federation, stylesheet, queue: queueBackend });
  // Made now rather than on the first sign-in with an unknown login, which would otherwise
  // take an extra hash's time; on libuv's threads, so the first page need not wait for it.
  dummyPasswordHash().catch((error) => log.error("Could not hash a password: {error}", { error }));

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s),
    );
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const listenUrl = `http://${host}:${address.port}`;

  const queueController = new AbortController();
  const queueDone = federation.startQueue({ db, config }, { signal: queueController.signal });
  const jobs = new JobRunner(
    {
      db,
      config,
      federation: () => federation.createContext(new URL(config.origin), { db, config }),
    },
    instanceTasks(config),
  );
  const jobsDone = jobs.start(queueController.signal);
  log.info("Copse is serving {origin} (listening on {listenUrl})", {
    origin: config.origin,
    listenUrl,
  });

  return {
    config,
    db,
    federation,
    listenUrl,
    jobs,
    async close({ graceMs = 10_000 } = {}) {
      const http = server as unknown as {
        closeIdleConnections?: () => void;
        closeAllConnections?: () => void;
      };
      await new Promise<void>((resolve) => {
        // Stops accepting; the callback runs once the requests in flight have been answered.
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open for minutes; end them now.
        http.closeIdleConnections?.();
        // Streams (the live page) never end by themselves, so they get a grace period.
        setTimeout(() => http.closeAllConnections?.(), graceMs).unref();
      });
      // Aborting lets the handlers already running finish; what is still queued stays in the
      // table for the next start.
      queueController.abort();
      await queueDone.catch(() => undefined);
      await jobsDone.catch(() => undefined);
      await queueBackend.close().catch(() => undefined);
      db.$client.close();
      unlock();
      log.info("Copse stopped; queued work is kept for the next start");
    },
  };
}

/**
 * What `npm start` prints once the server is up: the address to open and, while the instance
 * has no administrator, a fresh one-time set-up link (which replaces any earlier one).
 */
export function startupMessage(config: Config, db: Db): string {
  const lines = [
    `Copse "${config.instanceName}" is running. Open ${config.origin} in your browser.`,
  ];
  const token = createSetupToken(db);
  if (token) {
    lines.push(
      "",
      "This instance has no administrator yet, so sign-up is closed. To create the",
      "administrator's account, open this one-time set-up link:",
      "",
      `  ${config.origin}${setupPath(token)}`,
      "",
      "Only the newest link works; `npm run admin -- setup-link` prints a new one.",
    );
  }
  return `\n${lines.map((line) => (line ? `  ${line}` : "")).join("\n")}\n`;
}
