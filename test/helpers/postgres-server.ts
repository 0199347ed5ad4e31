import { execFileSync } from "node:child_process";
import {
  accessSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.ts";

// A throwaway PostgreSQL cluster for the tests: copied from one that Debian's initdb made once
// (kept in /dev/shm or the temporary directory for later runs) into a directory of this run, started on a free loopback port the first time a test file asks for it, and
// stopped by the suite's global teardown. The directory of one run is named after the vitest
// process, so every worker of that run shares one cluster and the teardown finds it; a run that
// was killed before its teardown leaves a directory whose owner is dead, and the next run's
// set-up stops that cluster and removes it.

/**
 * Where clusters are kept: /dev/shm, in memory, where there is one (on a busy disk, copying or
 * making a cluster on it took seconds where memory takes a fraction of one), else the system's
 * temporary directory.
 */
function scratchDir(): string {
  try {
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return tmpdir();
  }
}

/** The prefix of each run's directory under the system's temporary directory. */
const RUN_DIR_PREFIX = "copse-test-pg-";

/** The prefix of the kept template cluster (see templateCluster). */
const TEMPLATE_PREFIX = "copse-test-pg-template-";

/** The environment variable through which the global set-up tells workers the run's directory. */
export const RUN_DIR_VARIABLE = "COPSE_TEST_POSTGRES_RUN_DIR";

/**
 * The directory holding initdb, pg_ctl and postgres: Debian's newest
 * /usr/lib/postgresql/<version>/bin, or else the directory of an initdb on PATH (a wrapper
 * there may not take initdb's options, so Debian's own directory is preferred). Undefined when
 * PostgreSQL is not installed.
 */
export function postgresBinDir(): string | undefined {
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(debian, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(debian, versions[0], "bin");
  }
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  return undefined;
}

/** Why a throwaway cluster cannot be made here, or undefined when it can. */
export function clusterUnavailable(): string | undefined {
  if (postgresBinDir() === undefined) {
    return "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH); install it with `apt-get install postgresql`, or set COPSE_TEST_DATABASE_URL";
  }
  if (runningAsRoot() && postgresUid() === undefined) {
    return "running as root, and there is no postgres user to run the server as (PostgreSQL refuses to run as root)";
  }
  return undefined;
}

function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

function postgresUid(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** Runs a PostgreSQL program, as the postgres user when this process is root. */
function runPostgresProgram(program: string, args: string[], cwd: string): void {
  const path = join(postgresBinDir()!, program);
  const [command, commandArgs] = runningAsRoot()
    ? ["runuser", ["-u", "postgres", "--", path, ...args]]
    : [path, args];
  execFileSync(command, commandArgs, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
}

/** Makes a fresh run directory and names it for the workers; called by the global set-up. */
export function createRunDir(): string {
  sweepAbandonedRuns();
  const dir = mkdtempSync(join(scratchDir(), `${RUN_DIR_PREFIX}${process.pid}-`));
  process.env[RUN_DIR_VARIABLE] = dir;
  return dir;
}

/** Stops the run's cluster, if one was started, and removes its directory. */
export function removeRunDir(dir: string): void {
  const data = join(dir, "data");
  if (existsSync(join(data, "postmaster.pid"))) {
    try {
      runPostgresProgram("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], dir);
    } catch (error) {
      console.warn(`Could not stop the test PostgreSQL cluster in ${dir}: ${error}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Stops and removes the clusters of earlier runs whose vitest process has died. */
function sweepAbandonedRuns(): void {
  for (const name of readdirSync(scratchDir())) {
    const match = new RegExp(`^${RUN_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!match || processAlive(Number(match[1]))) continue;
    removeRunDir(join(scratchDir(), name));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The URL of the run's cluster, starting it if no worker has yet. The first worker to create
 * the lock directory starts it and writes the URL (or the reason it failed) to a file; the
 * others wait for that file.
 */
export async function clusterUrl(dir: string): Promise<string> {
  const urlFile = join(dir, "url");
  const failedFile = join(dir, "failed");
  let starter = false;
  try {
    mkdirSync(join(dir, "lock"));
    starter = true;
  } catch {
    // Another worker is starting it.
  }
  if (starter) {
    try {
      writeFileSync(urlFile, await startCluster(dir));
    } catch (error) {
      writeFileSync(failedFile, String(error));
      throw error;
    }
  }
  const started = Date.now();
  while (!existsSync(urlFile)) {
    if (existsSync(failedFile)) throw new Error(readFileSync(failedFile, "utf8"));
    if (Date.now() - started > 60_000) throw new Error("The test PostgreSQL cluster did not start");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return readFileSync(urlFile, "utf8");
}

async function startCluster(dir: string): Promise<string> {
  const data = join(dir, "data");
  const socketDir = join(dir, "socket");
  mkdirSync(socketDir);
  const owner = runningAsRoot() ? postgresUid() : undefined;
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(socketDir, owner.uid, owner.gid);
  }
  // A copy of a cluster made once, rather than a fresh initdb each run: on a busy machine
  // initdb takes several seconds, the copy a fraction of one. `cp -a` keeps the owner.
  execFileSync("cp", ["-a", templateCluster(owner), data]);
  const port = await freePort();
  // Durability is of no use to a cluster thrown away after the run, and costs time.
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${socketDir}`,
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=600",
  ].join(" ");
  runPostgresProgram(
    "pg_ctl",
    ["-D", data, "-l", join(dir, "server.log"), "-o", settings, "-w", "-t", "60", "start"],
    dir,
  );
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

/**
 * The data directory of a cluster that initdb made and nothing ever started, kept under the
 * temporary directory for later runs (one per PostgreSQL version and user). Made in a directory
 * of its own and renamed into place, so two runs making it at once both end up with a whole one.
 */
function templateCluster(owner: { uid: number; gid: number } | undefined): string {
  const version = postgresBinDir()!.split("/").at(-2) ?? "pg";
  const template = join(
    scratchDir(),
    `${TEMPLATE_PREFIX}${version}-${owner?.uid ?? process.getuid?.()}`,
  );
  if (existsSync(join(template, "PG_VERSION"))) return template;
  const work = mkdtempSync(`${template}.making-`);
  if (owner) chownSync(work, owner.uid, owner.gid);
  const data = join(work, "data");
  runPostgresProgram(
    "initdb",
    ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
    work,
  );
  try {
    renameSync(data, template);
  } catch {
    // Another run put its template in place first; either serves.
  }
  rmSync(work, { recursive: true, force: true });
  return template;
}

/** Runs one statement on its own connection (making or dropping a schema, say). */
export async function asAdmin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
