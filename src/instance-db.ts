import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "./config.ts";
import { type Db, openDatabase } from "./db/client.ts";
import { tableExists } from "./db/dialect.ts";
import { runMigrations } from "./db/migrate.ts";
import { ensureInstanceActor } from "./domain/actors.ts";
import { checkOrigin } from "./domain/origin.ts";
import { INSTANCE_ACTOR } from "./domain/paths.ts";

// Opening an instance's database, apart from the rest of start-up: the admin command line
// needs this and nothing of the web application or federation, so it lives where importing it
// loads only the database and the domain.

/** There is no database where the configuration points, and the caller may not create one. */
export class NoDatabaseError extends Error {
  constructor(readonly path: string) {
    super(
      `There is no Copse database at ${path}. Check COPSE_DATA_DIR (or COPSE_CONFIG) is the same as the server's, or start the server once to create the database.`,
    );
    this.name = "NoDatabaseError";
  }
}

/** Where the instance's database is: COPSE_DATABASE_URL, or the SQLite file in the data directory. */
export function databaseLocation(config: Config): string {
  return config.databaseUrl ?? databasePath(config.dataDir);
}

/** Where the SQLite database of a data directory lives. */
export function databasePath(dataDir: string): string {
  return join(dataDir, "copse.db");
}

/**
 * Opens the database under the data directory and brings its schema up to date, after checking
 * it was made for the configured origin. With `mustExist`, refuses to create a new database:
 * a command run with the wrong settings must not start a second, empty instance.
 */
export function openInstanceDatabase(config: Config, options: { mustExist?: boolean } = {}): Db {
  const path = databaseLocation(config);
  if (options.mustExist && !config.databaseUrl && !existsSync(path)) {
    throw new NoDatabaseError(path);
  }
  const db = openDatabase(path);
  try {
    // Checked before migrating, so a start under the wrong origin changes nothing.
    const started = tableExists(db, "actors");
    if (options.mustExist && !started && config.databaseUrl) {
      throw new NoDatabaseError("the PostgreSQL database COPSE_DATABASE_URL names");
    }
    if (started) checkOrigin(db, config.origin);
    prepareSchema(db, config);
  } catch (error) {
    db.$client.close();
    throw error;
  }
  return db;
}

/** How many times start-up steps are tried when another process does them at the same moment. */
const PREPARE_ATTEMPTS = 3;

/**
 * Migrates the database and makes the instance's own actor. Several processes (web and worker
 * roles) may start on one data directory at once, and each step looks before it writes, outside
 * the write that follows (drizzle's migrator reads the journal before its transaction): the
 * slower process then finds the table or the row it was about to make, and fails. Every step is
 * idempotent, so that process simply does them again, and the second look finds them done.
 */
function prepareSchema(db: Db, config: Config): void {
  for (let attempt = 1; ; attempt++) {
    try {
      runMigrations(db);
      ensureInstanceActor(db, config.origin, INSTANCE_ACTOR, config.instanceName);
      return;
    } catch (error) {
      if (attempt >= PREPARE_ATTEMPTS) throw error;
    }
  }
}
