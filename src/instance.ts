import "./temporal.ts";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import type { Config } from "./config.ts";
import { doesBackgroundWork, servesHttp } from "./config-role.ts";
import type { Db } from "./db/client.ts";
import { createSetupToken, setupPath } from "./domain/first-run.ts";
import { dummyPasswordHash } from "./domain/passwords.ts";
import type { CopseFederation } from "./federation/context.ts";
import { createInstanceFederation } from "./federation/instance.ts";
import { openQueueBackend, type QueueBackend } from "./federation/queue-backend.ts";
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

/**
 * A running Copse process: database and federation, with the HTTP server (roles `all` and
 * `web`) and the queue's handlers and scheduled tasks (roles `all` and `worker`).
 */
export interface RunningInstance {
  config: Config;
  db: Db;
  federation: CopseFederation;
  /**
   * The address the server listens on (may differ from the public origin behind a proxy);
   * empty for a worker, which serves no HTTP.
   */
  listenUrl: string;
  /** Background tasks: alerts, digests, mail, news refresh (started only where the role works them). */
  jobs: JobRunner;
  /**
   * Stops taking requests and waits up to `graceMs` (10 s by default) for those in flight, then
   * stops the queue worker and the job runner (letting running handlers finish; queued work
   * stays for the next start) and closes the database.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Starts an instance, or the part of it `config.role` names: a web process answers HTTP and
 * only enqueues (Fedify's queue is started by hand, see federation/builder.ts), a worker
 * handles the queue and the scheduled tasks and opens no port, `all` does both.
 */
export async function startInstance(
  config: Config,
  options: { stylesheetCacheDir?: string } = {},
): Promise<RunningInstance> {
  mkdirSync(config.dataDir, { recursive: true });
  const unlock = lockDataDir(config.dataDir, config.role);
  let db: Db;
  try {
    db = openInstanceDatabase(config);
  } catch (error) {
    unlock();
    throw error;
  }
  const queueBackend = openQueueBackend(config, db);
  const federation = createInstanceFederation(config, db, queueBackend);
  let http: Awaited<ReturnType<typeof startHttp>> | undefined;
  try {
    http = servesHttp(config.role)
      ? await startHttp(config, db, federation, queueBackend, options)
      : undefined;
  } catch (error) {
    // The port is taken, say: let go of what was opened, so the data directory can be used
    // again at once (by a caller that tries another port) and nothing holds the process open.
    await queueBackend.close().catch(() => undefined);
    db.$client.close();
    unlock();
    throw error;
  }
  const queueController = new AbortController();
  const background = doesBackgroundWork(config.role);
  const queueDone = background
    ? federation.startQueue({ db, config }, { signal: queueController.signal })
    : Promise.resolve();
  const jobs = new JobRunner(
    {
      db,
      config,
      federation: () => federation.createContext(new URL(config.origin), { db, config }),
    },
    instanceTasks(config),
  );
  const jobsDone = background ? jobs.start(queueController.signal) : Promise.resolve();
  if (http) {
    log.info(
      `Copse is serving {origin} (listening on {listenUrl}${background ? "" : ", web only"})`,
      {
        origin: config.origin,
        listenUrl: http.listenUrl,
      },
    );
  } else {
    log.info("Copse worker for {origin} is handling the queue and scheduled tasks", {
      origin: config.origin,
    });
  }

  return {
    config,
    db,
    federation,
    listenUrl: http?.listenUrl ?? "",
    jobs,
    async close({ graceMs = 10_000 } = {}) {
      await http?.close(graceMs);
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

/** The HTTP side of a process: the web application listening on the configured port. */
async function startHttp(
  config: Config,
  db: Db,
  federation: CopseFederation,
  queueBackend: QueueBackend,
  options: { stylesheetCacheDir?: string },
): Promise<{ listenUrl: string; close(graceMs: number): Promise<void> }> {
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

  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Web processes on Linux may share one port (SO_REUSEPORT): the kernel hands each new
    // connection to one of them, so a machine runs one per core without a load balancer in
    // front. Elsewhere (macOS, Windows) Node refuses the option outright, so it is only asked
    // for on Linux. A process of role `all` keeps its data directory, and so its port, to itself.
    const reusePort = config.role === "web" && process.platform === "linux";
    server.listen({ port: config.port, host: config.host, reusePort }, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const listenUrl = `http://${host}:${address.port}`;

  return {
    listenUrl,
    close: async (graceMs) => {
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
    },
  };
}

/**
 * What `npm start` prints once the server is up: the address to open and, while the instance
 * has no administrator, a fresh one-time set-up link (which replaces any earlier one); a
 * worker only says it runs.
 */
export function startupMessage(config: Config, db: Db): string {
  // A worker has no pages to open, and leaves the set-up link to the web processes (each new
  // link replaces the last, so a worker making one would spoil the web process's).
  if (!servesHttp(config.role)) {
    return `\n  A Copse worker for "${config.instanceName}" (${config.origin}) is running: it delivers, sends mail and runs the scheduled tasks.\n`;
  }
  const lines = [
    `Copse "${config.instanceName}" is running${config.role === "web" ? " (role web: pages and inboxes only; worker processes do the rest)" : ""}. Open ${config.origin} in your browser.`,
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
