import "../temporal.ts";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, readConfiguration } from "../config.ts";
import { NotFoundError, ValidationError } from "../domain/errors.ts";
import { OriginMismatchError } from "../domain/origin.ts";
import { NoDatabaseError } from "../instance-db.ts";
import { configureLogging } from "../logging.ts";
import { DataDirInUseError } from "../server-lock.ts";
import { BackupError, OPERATIONS, OPERATIONS_USAGE, UsageError } from "./usage.ts";

// The admin command line: the same configuration (copse.env and the environment) and database
// as the server, for scripts and for administrators without a browser. It never creates a
// database: run with the wrong settings, it says so instead of starting an empty instance. Deliveries it causes (an Accept to a remote member)
// go into the durable queue, and the running server sends them.

const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  setup-link
      Prints a new one-time link that creates the first administrator (replacing earlier links)
  create-user --handle <handle> --email <email> --password-stdin [--name <name>] [--admin]
  create-community --handle <handle> --name <name> --owner <user handle> [--description <text>] [--private]
  list-communities
  approve --community <handle> --actor <actor id or @user@host> [--reject]
${OPERATIONS_USAGE}`;

/** Runs one admin command and returns the process exit code. */
export async function runAdmin(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help") {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: OPERATIONS.has(command),
    options: {
      handle: { type: "string" },
      email: { type: "string" },
      name: { type: "string" },
      description: { type: "string" },
      owner: { type: "string" },
      community: { type: "string" },
      actor: { type: "string" },
      "password-stdin": { type: "boolean" },
      admin: { type: "boolean" },
      private: { type: "boolean" },
      reject: { type: "boolean" },
      force: { type: "boolean" },
    },
    strict: true,
  });
  const config = readConfiguration();
  await configureLogging(
    config.logLevel === "info" ? "warning" : config.logLevel,
    config.logFormat,
  );
  if (OPERATIONS.has(command)) {
    if (positionals.length > 1) throw new UsageError(`${command} takes one argument`);
    const { runOperation } = await import("./operations.ts");
    return runOperation(command, positionals[0], { force: values.force === true }, config);
  }
  // Each command's code is loaded only when it runs, so listing communities never loads the
  // federation library or the password hasher (scripts/build.mjs splits the bundle there).
  const { runCommand } = await import("./commands.ts");
  return runCommand(command, values, config);
}

/** Turns an error into a message and exit code; never a stack trace for user mistakes. */
function report(error: unknown): number {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    return 64;
  }
  if (
    error instanceof ConfigError ||
    error instanceof OriginMismatchError ||
    error instanceof NoDatabaseError ||
    error instanceof DataDirInUseError
  ) {
    console.error(error.message);
    return 78;
  }
  if (error instanceof BackupError) {
    console.error(error.message);
    return 1;
  }
  if (error instanceof ValidationError) {
    for (const e of error.errors) console.error(`--${e.field}: ${e.message}`);
    return 65;
  }
  if (error instanceof NotFoundError) {
    console.error(error.message);
    return 66;
  }
  if (
    error instanceof TypeError &&
    (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
  ) {
    console.error(`${error.message}\n\n${USAGE}`);
    return 64;
  }
  throw error;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runAdmin(process.argv.slice(2)).catch(report);
}
