import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { CONFIG_FILE_NAME, type Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { isPostgres } from "../db/dialect.ts";
import { markRestorePoint } from "../domain/alerts/sweep-cursor.ts";
import { databasePath } from "../instance-db.ts";
import { DataDirInUseError, serverHolding } from "../server-lock.ts";
import { COPSE_VERSION } from "../version.ts";
import { BackupError } from "./usage.ts";

// A backup is a directory: a consistent copy of the database made with SQLite's online backup
// (the server keeps running and writing), the folders of stored files beside it, and
// backup.json saying which origin and version it came from and what it holds.

/** The folders of the data directory that hold data (the cache is rebuilt at start). */
const DATA_FOLDERS = ["files", "media", "mail"] as const;
/** The folders of the file store (README: "Where uploaded files are kept"). */
const UPLOADED_FOLDERS = [
  "files",
  "media/uploads",
  "media/images",
  "media/people",
  "media/proxy",
] as const;
const MANIFEST = "backup.json";

/** What backup.json records, checked again at restore. */
export interface BackupManifest {
  origin: string;
  copseVersion: string;
  createdAt: string;
  /** Row counts of the main tables in the copied database. */
  counts: Record<string, number>;
  /** Stored files the copied database names that were deleted before they could be copied. */
  missingFiles: string[];
  /** Set when uploaded files are kept in an S3 bucket, and so are not in the backup. */
  uploadedFilesElsewhere?: string;
}

// Declared with the command line's other errors, so reporting one loads nothing of this file.
export { BackupError } from "./usage.ts";

const COUNTED = ["actors", "accounts", "items", "documents", "memberships", "fedify_queue"];

/**
 * This command copies a SQLite file; a PostgreSQL database is backed up and restored with
 * PostgreSQL's own tools, which copy it consistently while the server runs.
 */
function refuseOnPostgres(config: Config, db: Db | undefined, what: "backup" | "restore"): void {
  if (config.databaseUrl === undefined && (db === undefined || !isPostgres(db))) return;
  throw new BackupError(
    what === "backup"
      ? 'The data is on PostgreSQL (COPSE_DATABASE_URL), and this command copies a SQLite database. Back PostgreSQL up with pg_dump (for example: pg_dump --format=custom --file=copse.dump "$COPSE_DATABASE_URL"), and the uploaded files with your usual tools. Nothing was changed.'
      : 'The data is on PostgreSQL (COPSE_DATABASE_URL), and this command restores a SQLite database. Restore a pg_dump backup with pg_restore (for example: pg_restore --clean --dbname="$COPSE_DATABASE_URL" copse.dump). Nothing was changed.',
  );
}

/** Copies the live database and the stored files into `target`, a new or empty directory. */
export async function backup(config: Config, db: Db, target: string): Promise<BackupManifest> {
  refuseOnPostgres(config, db, "backup");
  const dir = resolve(target);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new BackupError(`${dir} is not empty; give a new directory for the backup`);
  }
  if (dir.startsWith(`${resolve(config.dataDir)}/`) || dir === resolve(config.dataDir)) {
    throw new BackupError("Put the backup outside the data directory, ideally on another disk");
  }
  mkdirSync(dir, { recursive: true });
  // The database first: stored files are only ever added or removed whole, so copying them
  // afterwards finds every file the copy names, unless one was deleted in between (reported).
  await db.$client.backup(join(dir, "copse.db"));
  for (const folder of DATA_FOLDERS) {
    const from = join(config.dataDir, folder);
    if (!existsSync(from)) continue;
    cpSync(from, join(dir, folder), {
      recursive: true,
      // Half-written uploads are not data.
      filter: (source) => !source.startsWith(join(config.dataDir, "files", "tmp")),
    });
  }
  const files = config.files;
  // A shared directory (COPSE_FILES_DIR) holds the uploads: they are copied from there. A
  // bucket is not copied: it may be far larger than a disk, and is backed up by its own means
  // (versioning, replication), which the command says.
  if (files.kind === "local" && files.root !== config.dataDir) {
    for (const folder of UPLOADED_FOLDERS) {
      const from = join(files.root, folder);
      if (!existsSync(from)) continue;
      cpSync(from, join(dir, folder), {
        recursive: true,
        filter: (source) => !source.startsWith(join(files.root, "files", "tmp")),
      });
    }
  }
  if (existsSync(join(config.dataDir, CONFIG_FILE_NAME))) {
    cpSync(join(config.dataDir, CONFIG_FILE_NAME), join(dir, CONFIG_FILE_NAME));
  }
  const copy = new Database(join(dir, "copse.db"));
  try {
    // The copy keeps the live database's WAL mode; a backup is better one self-contained file.
    copy.pragma("journal_mode = DELETE");
    checkIntegrity(copy, dir);
    const manifest: BackupManifest = {
      origin: config.origin,
      copseVersion: COPSE_VERSION,
      createdAt: new Date().toISOString(),
      counts: countRows(copy),
      missingFiles:
        files.kind === "s3"
          ? []
          : (
              copy
                .prepare(
                  "SELECT storage_path AS path FROM documents WHERE storage_path IS NOT NULL",
                )
                .all() as { path: string }[]
            )
              .map((row) => row.path)
              .filter((path) => !existsSync(join(dir, path))),
      ...(files.kind === "s3"
        ? { uploadedFilesElsewhere: `the S3 bucket ${files.bucket} at ${files.endpoint}` }
        : {}),
    };
    writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    copy.close();
  }
}

/**
 * Puts a backup in place of the data directory's database and stored files. Refuses while a
 * server works the directory, and when the backup was made for another origin. What was there
 * before is moved aside into `before-restore-<time>/`, never deleted.
 */
export function restore(config: Config, source: string): BackupManifest {
  refuseOnPostgres(config, undefined, "restore");
  const dir = resolve(source);
  const manifest = readManifest(dir);
  if (manifest.origin !== config.origin) {
    throw new BackupError(
      `This backup belongs to ${manifest.origin}, but COPSE_ORIGIN is ${config.origin}. Restore it with COPSE_ORIGIN=${manifest.origin}; to move to a new domain afterwards, see docs/production.md.`,
    );
  }
  const holder = serverHolding(config.dataDir);
  if (holder) throw new DataDirInUseError(config.dataDir, holder);
  const copy = new Database(join(dir, "copse.db"), { readonly: true });
  try {
    checkIntegrity(copy, dir);
  } finally {
    copy.close();
  }

  mkdirSync(config.dataDir, { recursive: true });
  const database = databasePath(config.dataDir);
  const present = [
    database,
    `${database}-wal`,
    `${database}-shm`,
    ...DATA_FOLDERS.map((f) => join(config.dataDir, f)),
  ].filter((path) => existsSync(path));
  if (present.length > 0) {
    const aside = join(
      config.dataDir,
      `before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`,
    );
    mkdirSync(aside);
    for (const path of present)
      renameSync(path, join(aside, path.slice(config.dataDir.length + 1)));
  }
  cpSync(join(dir, "copse.db"), database);
  // What the backup holds is history: content the alert sweep had not reached when the backup
  // was made is not mailed now (README, "Email alerts").
  const restored = new Database(database);
  try {
    markRestorePoint(restored);
  } finally {
    restored.close();
  }
  for (const folder of DATA_FOLDERS) {
    if (existsSync(join(dir, folder))) {
      cpSync(join(dir, folder), join(config.dataDir, folder), { recursive: true });
    }
  }
  // With a shared directory, the uploads go back there (over what it holds: same names, same
  // bytes, since names are content addresses; photos are put back as they were).
  const files = config.files;
  if (files.kind === "local" && files.root !== config.dataDir) {
    for (const folder of UPLOADED_FOLDERS) {
      const from = join(dir, folder);
      if (existsSync(from)) cpSync(from, join(files.root, folder), { recursive: true });
    }
  }
  // A configuration already in place wins: it may hold a new SMTP password, say.
  const configCopy = join(dir, CONFIG_FILE_NAME);
  if (existsSync(configCopy) && !existsSync(join(config.dataDir, CONFIG_FILE_NAME))) {
    cpSync(configCopy, join(config.dataDir, CONFIG_FILE_NAME));
  }
  return manifest;
}

/** Reads and checks backup.json and the database beside it. */
function readManifest(dir: string): BackupManifest {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as BackupManifest;
  } catch {
    throw new BackupError(`${dir} is not a Copse backup (it has no readable ${MANIFEST})`);
  }
  if (typeof manifest.origin !== "string" || !existsSync(join(dir, "copse.db"))) {
    throw new BackupError(
      `${dir} is not a complete Copse backup (copse.db or its origin is missing)`,
    );
  }
  return manifest;
}

function checkIntegrity(sqlite: Database.Database, dir: string): void {
  const result = sqlite.pragma("integrity_check", { simple: true });
  if (result !== "ok") throw new BackupError(`The database in ${dir} is damaged: ${result}`);
}

/** Row counts of the main tables, to compare a backup with what was restored from it. */
export function countRows(sqlite: Database.Database): Record<string, number> {
  return Object.fromEntries(
    COUNTED.map((table) => [
      table,
      (sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n,
    ]),
  );
}
