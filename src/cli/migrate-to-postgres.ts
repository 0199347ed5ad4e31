import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import pg from "pg";
import type { Config } from "../config.ts";
import { isPostgresLocation } from "../db/client.ts";
import { advanceIdentities, migratePostgres } from "../db/postgres/migrate.ts";
import { quoteIdent } from "../db/postgres/search-index.ts";
import { OriginMismatchError, originRecordedIn } from "../domain/origin.ts";
import { databasePath, NoDatabaseError } from "../instance-db.ts";
import { DataDirInUseError, serverHolding } from "../server-lock.ts";
import {
  compareSample,
  copyPlan,
  copyTable,
  countBoth,
  missingColumns,
  type TableCount,
} from "./postgres-copy.ts";
import { BackupError } from "./usage.ts";

// `npm run admin -- migrate-to-postgres URL`: copies an instance's SQLite database into an
// empty PostgreSQL database, in one transaction, checks the copy by counting every table and
// comparing a sample of rows, and leaves the SQLite file exactly as it was (it is opened
// read-only), so going back is only a matter of not setting COPSE_DATABASE_URL.

/** What the command prints as it goes; console by default, collected by tests. */
export interface MoveOutput {
  log(line: string): void;
  error(line: string): void;
}

/** Copies the data directory's SQLite database into the PostgreSQL database at `url`; returns the exit code. */
export async function migrateToPostgres(
  config: Config,
  url: string,
  options: {
    force: boolean;
    /** Rows per INSERT (tests make it small, so that rows land in separate statements). */
    rowsPerStatement?: number;
  },
  out: MoveOutput = { log: console.log, error: console.error },
): Promise<number> {
  if (!isPostgresLocation(url)) {
    throw new BackupError(
      `"${redact(url)}" is not a PostgreSQL URL such as postgres://copse:password@db.example/copse`,
    );
  }
  const path = databasePath(config.dataDir);
  if (!existsSync(path)) throw new NoDatabaseError(path);
  // A running server would go on writing to the SQLite file after the copy was made.
  const holder = serverHolding(config.dataDir);
  if (holder) throw new DataDirInUseError(config.dataDir, holder);

  const source = new Database(path, { readonly: true, fileMustExist: true });
  source.defaultSafeIntegers(true);
  try {
    // Checked first, as every start checks it: a copy made under the wrong settings would only
    // fail at the server's first start on PostgreSQL.
    const recorded = originRecordedIn(source);
    if (recorded !== undefined && recorded !== config.origin) {
      throw new OriginMismatchError(recorded, config.origin);
    }
    const plan = copyPlan();
    for (const table of plan) {
      const missing = missingColumns(source, table);
      if (missing.length > 0) {
        throw new BackupError(
          `${path} was made by an older Copse (${table.name} lacks ${missing.join(", ")}). Start the server once with this version to bring it up to date, stop it, and run this again.`,
        );
      }
    }
    const queued = Number(source.prepare("SELECT count(*) FROM fedify_queue").pluck().get());
    if (queued > 0 && !options.force) {
      out.error(
        `Not moving: ${queued} deliveries or incoming activities are still queued in ${path}. Start the server, let it finish them (copse_queue_depth in /metrics falls to 0), stop it, and run this again; or run with --force to leave them behind. Nothing was changed.`,
      );
      return 1;
    }
    const client = await connect(url);
    try {
      const counts = await copyInto(source, client, plan, out, options.rowsPerStatement);
      if (counts === undefined) return 1;
      printCounts(counts, out);
      if (queued > 0) {
        out.log(`Left behind ${queued} queued deliveries or incoming activities (--force).`);
      }
      out.log(
        [
          `Copied ${path} into PostgreSQL (${redact(url)}). Next:`,
          "  1. Set COPSE_DATABASE_URL to that URL in copse.env (or the environment) of every Copse process.",
          "  2. Start the server; it now works on PostgreSQL.",
          `The SQLite file was left as it was: to go back, remove COPSE_DATABASE_URL (anything written on PostgreSQL meanwhile stays there). Uploaded files stay where they are (${config.files.kind === "s3" ? "the S3 bucket" : "the data directory's files and media folders, or COPSE_FILES_DIR"}).`,
        ].join("\n"),
      );
      return 0;
    } finally {
      await client.end();
    }
  } finally {
    source.close();
  }
}

/** Connects to PostgreSQL, saying where it could not (without the password) when it cannot. */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // An error on an idle client (the server restarting) would otherwise end the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new BackupError(
      `Could not connect to PostgreSQL at ${redact(url)}: ${(error as Error).message}. Nothing was changed.`,
    );
  }
}

/** The URL with its password hidden, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return "the URL given";
  }
}

/**
 * Makes Copse's tables on the target, then copies every table in one transaction and checks
 * the copy before committing it; returns the counts, or undefined after a refusal or a
 * mismatch (rolled back, reported).
 */
async function copyInto(
  source: Database.Database,
  client: pg.Client,
  plan: ReturnType<typeof copyPlan>,
  out: MoveOutput,
  rowsPerStatement: number | undefined,
): Promise<TableCount[] | undefined> {
  // Looked at before the migrations run, so a database holding an instance is not touched.
  const held = await actorsOnTarget(client);
  if (held > 0) {
    out.error(
      `Not moving: the PostgreSQL database already holds an instance (${held} actors). Give an empty database (or a new schema, with ?options=-c%20search_path%3D<schema>). Nothing was changed.`,
    );
    return undefined;
  }
  out.log("Creating Copse's tables in PostgreSQL…");
  await migratePostgres(client);
  await client.query("BEGIN");
  try {
    for (const table of plan) {
      const { rows } = await client.query(`SELECT 1 FROM ${quoteIdent(table.name)} LIMIT 1`);
      if (rows.length > 0) {
        await client.query("ROLLBACK");
        out.error(
          `Not moving: the PostgreSQL table ${table.name} already holds rows; give an empty database. No rows were written.`,
        );
        return undefined;
      }
    }
    for (const table of plan) {
      let copied: number;
      try {
        copied = await copyTable(source, client, table, rowsPerStatement);
      } catch (error) {
        throw new BackupError(
          `Copying ${table.name} failed, so the copy was undone (nothing was written to PostgreSQL): ${(error as Error).message}`,
        );
      }
      out.log(`  ${table.name}: ${copied} rows`);
    }
    await advanceIdentities(client);
    out.log("Checking the copy…");
    const counts: TableCount[] = [];
    const problems: string[] = [];
    for (const table of plan) {
      const count = await countBoth(source, client, table.name);
      counts.push(count);
      if (count.sqlite !== count.postgres) {
        problems.push(`${table.name}: ${count.sqlite} rows in SQLite, ${count.postgres} copied`);
        continue;
      }
      const difference = await compareSample(source, client, table, count.sqlite);
      if (difference) problems.push(`${table.name}: ${difference}`);
    }
    if (problems.length > 0) {
      await client.query("ROLLBACK");
      printCounts(counts, out);
      out.error(
        `The copy does not match, so it was undone (nothing was written to PostgreSQL):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      );
      return undefined;
    }
    await client.query("COMMIT");
    return counts;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** How many actors the target's current schema holds (0 when it has no Copse tables yet). */
async function actorsOnTarget(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_name = 'actors') AS present`,
  );
  if (!rows[0]?.present) return 0;
  const counted = await client.query<{ n: string }>("SELECT count(*) AS n FROM actors");
  return Number(counted.rows[0]?.n);
}

/** Prints the row counts of both sides as a table. */
function printCounts(counts: TableCount[], out: MoveOutput): void {
  const width = Math.max(5, ...counts.map((count) => count.table.length));
  out.log(`${"table".padEnd(width)}  ${"sqlite".padStart(8)}  ${"postgres".padStart(8)}`);
  for (const { table, sqlite, postgres } of counts) {
    const mark = sqlite === postgres ? "" : "  MISMATCH";
    out.log(
      `${table.padEnd(width)}  ${String(sqlite).padStart(8)}  ${String(postgres).padStart(8)}${mark}`,
    );
  }
}
