import "../temporal.ts";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, readConfiguration } from "../config.ts";
import { createAccount } from "../domain/accounts.ts";
import { findActorByIri, findLocalActor } from "../domain/actors.ts";
import { createCommunity, findCommunity, listCommunities } from "../domain/communities.ts";
import { NotFoundError, ValidationError } from "../domain/errors.ts";
import { createSetupToken, setupPath } from "../domain/first-run.ts";
import { listMembers } from "../domain/membership.ts";
import { OriginMismatchError } from "../domain/origin.ts";
import { parseHandle } from "../federation/lookup.ts";
import { decideRequest } from "../federation/membership.ts";
import { createInstanceFederation, NoDatabaseError, openInstanceDatabase } from "../instance.ts";
import { configureLogging } from "../logging.ts";
import { DataDirInUseError } from "../server-lock.ts";
import { BackupError } from "./backup.ts";
import { OPERATIONS, OPERATIONS_USAGE, runOperation } from "./operations.ts";

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

/** Thrown for mistakes in how the command was called; printed with the usage. */
class UsageError extends Error {}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError("--password-stdin expects the password on standard input");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`Missing --${name}`);
  return value;
}

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
  await configureLogging(config.logLevel === "info" ? "warning" : config.logLevel);
  if (OPERATIONS.has(command)) {
    if (positionals.length > 1) throw new UsageError(`${command} takes one argument`);
    return runOperation(command, positionals[0], { force: values.force === true }, config);
  }
  const db = openInstanceDatabase(config, { mustExist: true });
  try {
    switch (command) {
      case "setup-link": {
        const token = createSetupToken(db);
        if (!token) {
          console.error(
            "This instance already has an administrator, so it needs no set-up link. Administrators create accounts with create-user.",
          );
          return 1;
        }
        console.log(
          `Open this link to create the administrator's account (it works once, and replaces any earlier set-up link):\n\n  ${config.origin}${setupPath(token)}\n`,
        );
        return 0;
      }
      case "create-user": {
        if (!values["password-stdin"])
          throw new UsageError("Pass the password on standard input with --password-stdin");
        const account = await createAccount(db, config.origin, {
          handle: required(values, "handle"),
          email: required(values, "email"),
          name: values.name,
          password: await readStdin(),
          admin: values.admin === true,
        });
        console.log(
          `Created user @${account.actor.handle}@${account.actor.host} <${account.email}>${account.isAdmin ? " (administrator)" : ""}`,
        );
        return 0;
      }
      case "create-community": {
        const ownerHandle = required(values, "owner").replace(/^@/, "");
        const owner = findLocalActor(db, ownerHandle);
        if (owner?.type !== "Person")
          throw new NotFoundError(`There is no local user called "${ownerHandle}"`);
        const community = createCommunity(db, config.origin, {
          handle: required(values, "handle"),
          name: required(values, "name"),
          description: values.description ?? "",
          visibility: values.private ? "private" : "public",
          ownerActorId: owner.id,
        });
        console.log(
          `Created ${community.visibility} community @${community.actor.handle}@${community.actor.host} ("${community.actor.name}"), facilitated by @${owner.handle}`,
        );
        return 0;
      }
      case "list-communities": {
        const all = listCommunities(db);
        if (all.length === 0) console.log("No communities yet.");
        for (const c of all) {
          const pending = listMembers(db, c.actor.id, "pending").length;
          console.log(
            `${c.actor.handle}\t${c.visibility}\t${c.memberCount} members\t${pending} pending\t${c.actor.name}`,
          );
        }
        return 0;
      }
      case "approve": {
        const community = findCommunity(db, required(values, "community").replace(/^@/, ""));
        if (!community)
          throw new NotFoundError(`There is no community called "${values.community}" here`);
        const actorRef = required(values, "actor");
        const handle = parseHandle(actorRef);
        const pending = listMembers(db, community.actor.id, "pending");
        const entry = pending.find(({ member }) =>
          handle
            ? member.handle === handle.name.toLowerCase() && member.host === handle.host
            : member.iri === actorRef,
        );
        if (!entry) {
          const known = findActorByIri(db, actorRef);
          throw new NotFoundError(
            `${actorRef} has no pending request to join ${community.actor.handle}${known ? "" : " (that actor is unknown here)"}`,
          );
        }
        const federation = createInstanceFederation(config, db);
        const ctx = federation.createContext(new URL(config.origin), { db, config });
        const approve = values.reject !== true;
        await decideRequest(ctx, {
          group: community.actor,
          member: entry.member,
          byActorId: null,
          approve,
        });
        console.log(
          `${approve ? "Approved" : "Rejected"} ${entry.member.iri} for ${community.actor.handle}${entry.member.isLocal ? "" : " (the answer is queued for delivery by the server)"}`,
        );
        return 0;
      }
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } finally {
    db.$client.close();
  }
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
