import "./temporal.ts";
import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { Config } from "./config.ts";
import { type Db, openDatabase } from "./db/client.ts";
import { runMigrations } from "./db/migrate.ts";
import { ensureInstanceActor } from "./domain/actors.ts";
import { createSetupToken, setupPath } from "./domain/first-run.ts";
import { checkOrigin } from "./domain/origin.ts";
import { dummyPasswordHash } from "./domain/passwords.ts";
import { INSTANCE_ACTOR } from "./domain/paths.ts";
import { skipBlockedDomains } from "./federation/blocked-delivery.ts";
import { buildFederation } from "./federation/builder.ts";
import type { CopseFederation } from "./federation/context.ts";
import { SqliteKvStore } from "./federation/kv.ts";
import { SqliteMessageQueue } from "./federation/queue.ts";
import { JobRunner } from "./jobs/runner.ts";
import { instanceTasks } from "./jobs/tasks.ts";
import { logger } from "./logging.ts";
import { lockDataDir } from "./server-lock.ts";
import { createApp } from "./web/app.ts";
import { buildStylesheet } from "./web/assets/css.ts";

const log = logger("instance");

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

/** There is no database where the configuration points, and the caller may not create one. */
export class NoDatabaseError extends Error {
  constructor(readonly path: string) {
    super(
      `There is no Copse database at ${path}. Check COPSE_DATA_DIR (or COPSE_CONFIG) is the same as the server's, or start the server once to create the database.`,
    );
    this.name = "NoDatabaseError";
  }
}

/** Where the database of a data directory lives. */
export function databasePath(dataDir: string): string {
  return join(dataDir, "copse.db");
}

/**
 * Opens the database under the data directory and brings its schema up to date, after checking
 * it was made for the configured origin. With `mustExist`, refuses to create a new database:
 * a command run with the wrong settings must not start a second, empty instance.
 */
export function openInstanceDatabase(config: Config, options: { mustExist?: boolean } = {}): Db {
  const path = databasePath(config.dataDir);
  if (options.mustExist && !existsSync(path)) throw new NoDatabaseError(path);
  const db = openDatabase(path);
  try {
    // Checked before migrating, so a start under the wrong origin changes nothing.
    const started = db.$client
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'actors'")
      .get();
    if (started) checkOrigin(db, config.origin);
    runMigrations(db);
    ensureInstanceActor(db, config.origin, INSTANCE_ACTOR, config.instanceName);
  } catch (error) {
    db.$client.close();
    throw error;
  }
  return db;
}

/**
 * Deliveries in flight at once. A delivery mostly waits on the remote server, so many are
 * kept going (a post to 1,000 servers would otherwise wait on the slowest few at a time);
 * signing each one is the CPU cost, and that is bounded by the core, not by this number.
 */
export const OUTBOX_CONCURRENCY = 64;
/** Incoming activities handled at once; each writes to the database and may fetch an actor. */
const INBOX_CONCURRENCY = 16;

/** Builds the federation object over a database, with Copse's durable KV store and queues. */
export function createInstanceFederation(config: Config, db: Db): CopseFederation {
  // Incoming activities and outgoing deliveries have a channel each, with their own workers:
  // a post fanned out to a thousand servers cannot hold up a Follow waiting for its Accept,
  // nor a flood of incoming activities the deliveries.
  const inbox = new SqliteMessageQueue(db, { channel: "inbox", concurrency: INBOX_CONCURRENCY });
  // Deliveries to blocked domains are dropped at the queue, whichever part of Copse sent them.
  const outbox = skipBlockedDomains(
    new SqliteMessageQueue(db, { channel: "outbox", concurrency: OUTBOX_CONCURRENCY }),
    db,
  );
  return buildFederation({ config, kv: new SqliteKvStore(db), queue: { inbox, outbox } });
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
  const federation = createInstanceFederation(config, db);
  // The compiled stylesheet is cached under the data directory, which is writable even where
  // the code is not (the container image); tests share one cache to compile it once.
  const stylesheet = await buildStylesheet({
    outDir: options.stylesheetCacheDir ?? join(config.dataDir, "cache"),
  });
  const app = createApp({ db, config, federation, stylesheet });
  // Made now rather than on the first sign-in with an unknown login, which would otherwise
  // take an extra hash's time.
  await dummyPasswordHash();

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
