// Which part of the work a Copse process does. One process doing everything (`all`) is the
// default and what a small instance runs; a larger one runs several `web` processes, which
// answer HTTP (pages, inboxes) and only enqueue, and several `worker` processes, which handle
// the queue and the scheduled tasks, all on one data directory (README, "Running several
// processes").

/** The roles a process may take. */
export const ROLES = ["all", "web", "worker"] as const;

/** What one process does: everything, HTTP only, or background work only. */
export type Role = (typeof ROLES)[number];

/** Whether a process in this role answers HTTP. */
export function servesHttp(role: Role): boolean {
  return role !== "worker";
}

/** Whether a process in this role handles the queue and the scheduled tasks. */
export function doesBackgroundWork(role: Role): boolean {
  return role !== "web";
}

/** Reads COPSE_ROLE; undefined (with a problem added) when it names no role. */
export function parseRole(value: string | undefined, problems: string[]): Role | undefined {
  const role = value?.trim() || "all";
  if ((ROLES as readonly string[]).includes(role)) return role as Role;
  problems.push(`COPSE_ROLE (or --role) must be one of ${ROLES.join(", ")} (got "${role}")`);
  return undefined;
}

/**
 * The settings given on the command line (`npm start -- --role web`), as environment entries
 * that override COPSE_ROLE. Anything else on the line is refused, so a mistyped option is not
 * silently ignored.
 */
export function settingsFromArguments(args: readonly string[]): {
  values: Record<string, string>;
  problems: string[];
} {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const inline = /^--role=(.*)$/.exec(arg);
    if (inline) {
      values.COPSE_ROLE = inline[1]!;
    } else if (arg === "--role") {
      const next = args[i + 1];
      if (next === undefined || next.startsWith("--")) {
        problems.push(`--role needs a value: one of ${ROLES.join(", ")}`);
      } else {
        values.COPSE_ROLE = next;
        i++;
      }
    } else {
      problems.push(
        `"${arg}" is not an option of copse start; the only one is --role web|worker|all`,
      );
    }
  }
  return { values, problems };
}
