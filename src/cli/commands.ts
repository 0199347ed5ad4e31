import type { Config } from "../config.ts";
import { findActorByIri, findLocalActor } from "../domain/actors.ts";
import { createCommunity, findCommunity, listCommunities } from "../domain/communities.ts";
import { NotFoundError } from "../domain/errors.ts";
import { createSetupToken, setupPath } from "../domain/first-run.ts";
import { listMembers } from "../domain/membership.ts";
import { openInstanceDatabase } from "../instance-db.ts";
import { UsageError } from "./usage.ts";

// The admin commands that work on accounts and communities. The command line loads this file
// only once it has read its arguments, and each command loads what only it needs (the
// federation library, the password hasher) itself.

/** The options the command line parsed, by name (strings, and true for flags). */
export type CommandValues = Record<string, string | boolean | undefined>;

/** An optional text option: flags are never texts. */
function text(values: CommandValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError("--password-stdin expects the password on standard input");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

function required(values: CommandValues, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`Missing --${name}`);
  return value;
}

/** Runs one account or community command and returns the exit code. */
export async function runCommand(
  command: string,
  values: CommandValues,
  config: Config,
): Promise<number> {
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
        const { createAccount } = await import("../domain/accounts.ts");
        const account = await createAccount(db, config.origin, {
          handle: required(values, "handle"),
          email: required(values, "email"),
          name: text(values, "name"),
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
          description: text(values, "description") ?? "",
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
        // The federation library is loaded by the one command that sends an activity.
        const [
          { parseHandle },
          { decideRequest },
          { createInstanceFederation },
          { openQueueBackend },
        ] = await Promise.all([
          import("../federation/lookup.ts"),
          import("../federation/membership.ts"),
          import("../federation/instance.ts"),
          import("../federation/queue-backend.ts"),
        ]);
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
        // The answer goes into the server's queue, wherever the configuration keeps it.
        const backend = openQueueBackend(config, db);
        const federation = createInstanceFederation(config, db, backend);
        const ctx = federation.createContext(new URL(config.origin), { db, config });
        const approve = values.reject !== true;
        try {
          await decideRequest(ctx, {
            group: community.actor,
            member: entry.member,
            byActorId: null,
            approve,
          });
        } finally {
          await backend.close();
        }
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
