import { existsSync } from "node:fs";
import type { Config } from "../config.ts";
import { openDatabase } from "../db/client.ts";
import { tableExists } from "../db/dialect.ts";
import { runMigrations } from "../db/migrate.ts";
import { moveOrigin, moveRisks, recordedOrigin } from "../domain/origin.ts";
import { databaseLocation, NoDatabaseError, openInstanceDatabase } from "../instance-db.ts";
import { DataDirInUseError, serverHolding } from "../server-lock.ts";
import { backup, restore } from "./backup.ts";
import { BackupError } from "./usage.ts";

// The admin commands that look after the data directory as a whole: backups, restores, a
// move to a new domain and a move to PostgreSQL. Each refuses, changing nothing, when it cannot finish safely.

/** Runs one operation and returns the exit code; throws BackupError and the like for the caller to report. */
export async function runOperation(
  command: string,
  argument: string | undefined,
  options: { force: boolean },
  config: Config,
): Promise<number> {
  if (!argument) throw new BackupError(`${command} needs one argument; see the usage`);
  switch (command) {
    case "backup": {
      const db = openInstanceDatabase(config, { mustExist: true });
      try {
        const manifest = await backup(config, db, argument);
        console.log(
          `Backed up ${config.origin} to ${argument}: ${Object.entries(manifest.counts)
            .map(([table, n]) => `${n} ${table}`)
            .join(", ")}.`,
        );
        if (manifest.uploadedFilesElsewhere) {
          console.warn(
            `Uploaded files (documents, photos, pictures) are kept in ${manifest.uploadedFilesElsewhere} and are NOT in this backup. Back the bucket up with its own tools (versioning or replication to another bucket).`,
          );
        }
        if (manifest.missingFiles.length > 0) {
          console.warn(
            `${manifest.missingFiles.length} stored files were deleted while the backup ran (their documents were removed); the backup lists them in backup.json.`,
          );
        }
        return 0;
      } finally {
        db.$client.close();
      }
    }
    case "restore": {
      const manifest = restore(config, argument);
      console.log(
        `Restored the backup of ${manifest.origin} made ${manifest.createdAt} into ${config.dataDir}. Start the server to use it (migrations run at start).`,
      );
      return 0;
    }
    case "move-origin":
      return moveToOrigin(config, argument, options.force);
    case "migrate-to-postgres": {
      // Loaded only for this command: it brings the PostgreSQL driver.
      const { migrateToPostgres } = await import("./migrate-to-postgres.ts");
      return migrateToPostgres(config, argument, { force: options.force });
    }
    default:
      throw new Error(`Not an operation: ${command}`);
  }
}

async function moveToOrigin(config: Config, argument: string, force: boolean): Promise<number> {
  let to: string;
  try {
    const url = new URL(argument);
    if (!["http:", "https:"].includes(url.protocol) || url.pathname !== "/") throw new Error();
    to = url.origin;
  } catch {
    throw new BackupError(`"${argument}" is not an origin such as https://copse.example.gov.uk`);
  }
  // COPSE_DATABASE_URL (PostgreSQL) or the SQLite file in the data directory.
  const location = databaseLocation(config);
  if (!config.databaseUrl && !existsSync(location)) throw new NoDatabaseError(location);
  const holder = serverHolding(config.dataDir);
  if (holder) throw new DataDirInUseError(config.dataDir, holder);
  const db = openDatabase(location);
  // With the queue and its caches on PostgreSQL (COPSE_QUEUE_URL), they are counted and
  // cleared there; the federation code is loaded only then.
  const queue = config.queueUrl
    ? (await import("../federation/queue-backend.ts")).openQueueBackend(config, db)
    : undefined;
  try {
    if (config.databaseUrl && !tableExists(db, "actors")) {
      throw new NoDatabaseError("the PostgreSQL database COPSE_DATABASE_URL names");
    }
    runMigrations(db);
    const from = recordedOrigin(db);
    if (from === to) {
      console.log(`This database already belongs to ${to}; nothing to do.`);
      return 0;
    }
    const risks = moveRisks(db);
    if (queue) risks.queuedMessages = (await queue.figures()).depth;
    const breaks = [
      risks.remoteMembers > 0 &&
        `${risks.remoteMembers} members on other servers follow communities here by their old addresses; they will stop receiving posts and must join again`,
      risks.remoteContacts > 0 &&
        `${risks.remoteContacts} contacts with people on other servers use the old addresses; they must be added again`,
      risks.queuedMessages > 0 &&
        `${risks.queuedMessages} deliveries or incoming activities are still queued; let the server finish them first`,
    ].filter((line): line is string => typeof line === "string");
    if (breaks.length > 0 && !force) {
      console.error(
        `Not moving ${from} to ${to}, because other servers know this instance by its current addresses:\n${breaks.map((b) => `  - ${b}`).join("\n")}\nRun again with --force to move anyway. Nothing was changed.`,
      );
      return 1;
    }
    const { changed } = moveOrigin(db, to);
    await queue?.clearKv();
    console.log(
      `Moved ${from} to ${to} (${changed} stored values rewritten). Now set COPSE_ORIGIN=${to} in copse.env (or the environment) and start the server.${breaks.length > 0 ? `\nStill to do by hand:\n${breaks.map((b) => `  - ${b}`).join("\n")}` : ""}`,
    );
    return 0;
  } finally {
    await queue?.close();
    db.$client.close();
  }
}
