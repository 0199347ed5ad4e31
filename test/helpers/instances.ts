import "../../src/temporal.ts";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, loadConfig } from "../../src/config.ts";
import type { Db } from "../../src/db/client.ts";
import {
  type AccountWithActor,
  checkNewAccount,
  hashPassword,
  insertAccount,
} from "../../src/domain/accounts.ts";
import { type Community, createCommunity } from "../../src/domain/communities.ts";
import type { CopseContext } from "../../src/federation/context.ts";
import { databasePath, type RunningInstance, startInstance } from "../../src/instance.ts";
import { configureLogging } from "../../src/logging.ts";
import { freePort } from "./free-port.ts";
import { migratedSqliteImage } from "./sqlite-template.ts";
import { freshPostgresUrl, TEST_DATABASE } from "./test-database.ts";

// COPSE_TEST_LOG=debug (or info, warning...) shows the instances' logs while debugging a test.
if (process.env.COPSE_TEST_LOG) {
  await configureLogging(process.env.COPSE_TEST_LOG as Config["logLevel"]);
}

/** One stylesheet cache for every test instance, so Sass compiles once per run. */
export const TEST_STYLESHEET_DIR = join(tmpdir(), "copse-test-stylesheet");

/** A Copse instance started for a test, on a loopback port with its own data directory. */
export interface TestInstance extends RunningInstance {
  origin: string;
  /** `host:port`, the host part of handles on this instance. */
  host: string;
  /** A Fedify context for calling federation functions as this instance. */
  ctx(): CopseContext;
  /** Creates an account (password "correct horse battery"). */
  createUser(
    handle: string,
    options?: { admin?: boolean; name?: string },
  ): Promise<AccountWithActor>;
  /** Creates a community owned by an existing local user. */
  createCommunity(
    handle: string,
    owner: AccountWithActor,
    visibility?: "public" | "private",
  ): Community;
}

/** The password test users are created with. */
export const TEST_PASSWORD = "correct horse battery";

// TEST_PASSWORD's argon2 hash, made once per worker process with the real parameters. Hashing
// it again for each of the hundreds of users the tests create cost ~50-70 ms of CPU apiece; a
// salted hash is valid for any account, so signing in still verifies the password for real.
let testPasswordHash: Promise<string> | undefined;

/**
 * Creates an account as createAccount does (same checks, same insert), with TEST_PASSWORD's
 * hash made once per process instead of once per user.
 */
async function createTestAccount(
  db: Db,
  origin: string,
  input: { handle: string; email: string; name: string; admin?: boolean | undefined },
): Promise<AccountWithActor> {
  const details = checkNewAccount(db, { ...input, password: TEST_PASSWORD });
  testPasswordHash ??= hashPassword(TEST_PASSWORD);
  const passwordHash = await testPasswordHash;
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    checkNewAccount(txDb, { ...input, password: TEST_PASSWORD });
    return insertAccount(txDb, origin, { ...details, passwordHash, isAdmin: input.admin === true });
  });
}

/**
 * Starts a real Copse instance on 127.0.0.1 with a fresh database. To simulate a restart, pass
 * the `dataDir` and `port` of an instance that was closed: the caller then owns the directory
 * (close() leaves it) and the origin stays the same.
 */
export async function startTestInstance(
  name: string,
  env: Record<string, string> = {},
  options: { dataDir?: string; port?: number } = {},
): Promise<TestInstance> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(name, env, options);
    } catch (error) {
      // Another process took the port between freePort() and listen (a busy machine runs many
      // at once): try another. Only where this helper chose the port and the directory, since
      // the database remembers the origin, and so the port, it was first started with.
      const taken = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
      if (!taken || attempt === 5 || options.port !== undefined || options.dataDir !== undefined)
        throw error;
    }
  }
}

async function startOnce(
  name: string,
  env: Record<string, string>,
  options: { dataDir?: string; port?: number },
): Promise<TestInstance> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `copse-${name.toLowerCase()}-`));
  const port = options.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: "127.0.0.1",
    COPSE_ORIGIN: origin,
    COPSE_DATA_DIR: dataDir,
    COPSE_INSTANCE_NAME: name,
    COPSE_ALLOW_PRIVATE_ADDRESS: "true",
    ...databaseFor(dataDir),
    ...env,
  });
  // A new data directory on SQLite starts from a copy of the worker's migrated database (start-up
  // still runs the migrator, which finds nothing to do, and makes the instance actor).
  const file = databasePath(dataDir);
  if (!options.dataDir && !config.databaseUrl && !existsSync(file)) {
    writeFileSync(file, migratedSqliteImage());
  }
  let running: Awaited<ReturnType<typeof startInstance>>;
  try {
    running = await startInstance(config, { stylesheetCacheDir: TEST_STYLESHEET_DIR });
  } catch (error) {
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...running,
    origin,
    host: `127.0.0.1:${port}`,
    ctx: () => running.federation.createContext(new URL(origin), { db: running.db, config }),
    createUser: (handle, options = {}) =>
      createTestAccount(running.db, origin, {
        handle,
        email: `${handle}@${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.example`,
        name: options.name ?? handle[0]!.toUpperCase() + handle.slice(1),
        admin: options.admin,
      }),
    createCommunity: (handle, owner, visibility = "public") =>
      createCommunity(running.db, origin, {
        handle,
        name: handle[0]!.toUpperCase() + handle.slice(1),
        description: `The ${handle} community.`,
        visibility,
        ownerActorId: owner.actor.id,
      }),
    async close() {
      // No grace period: tests end their requests themselves, and today's close is immediate.
      await running.close({ graceMs: 0 });
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Schemas by data directory, so an instance restarted on its directory finds its data. */
const schemas = new Map<string, string>();

/** On PostgreSQL runs, the database setting for an instance's data directory. */
function databaseFor(dataDir: string): Record<string, string> {
  if (TEST_DATABASE !== "postgres") return {};
  let url = schemas.get(dataDir);
  if (!url) {
    url = freshPostgresUrl();
    schemas.set(dataDir, url);
  }
  return { COPSE_DATABASE_URL: url };
}

/**
 * Polls until `check` returns a truthy value (or throws its last error after the timeout).
 * The first polls come quickly (5, 10, 20, 40 ms apart), since most conditions hold within a
 * few milliseconds on loopback, then every 50 ms, so a long wait does not add load.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 30_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let pauseMs = 5;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, pauseMs));
    pauseMs = Math.min(pauseMs * 2, 50);
  }
  throw lastError ?? new Error(`Condition not met within ${timeoutMs} ms`);
}
