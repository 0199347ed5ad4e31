import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { actors, domainBlocks, memberships } from "../../db/schema/index.ts";
import { ValidationError } from "../errors.ts";

// Administrators decide which other servers this one deals with. A blocked domain (and its
// subdomains) gets nothing from here and nothing it sends is accepted: deliveries are refused
// at the inbox (src/web/inbox-guard.ts) and dropped from the delivery queue
// (src/federation/blocked-delivery.ts). A limited domain still federates, but its people need a
// facilitator's approval to join any local community, even a public one.

/** What an administrator decided about a domain. */
export type DomainSeverity = "block" | "limit";

/** A blocked or limited domain. */
export type DomainBlock = typeof domainBlocks.$inferSelect;

const MAX_REASON = 1000;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

/**
 * A domain as typed (perhaps with a scheme, path, port or upper case) reduced to its host
 * name in lower case, or undefined when it is not a domain name.
 */
export function normaliseDomain(input: string): string | undefined {
  const text = input.trim().toLowerCase();
  if (!text || /[\s*]/.test(text)) return undefined;
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(text) ? text : `https://${text}`).hostname;
  } catch {
    return undefined;
  }
  return HOSTNAME.test(host) ? host : undefined;
}

/**
 * The host and every parent domain of it, so a block of example.org covers a.example.org. A
 * host with a port is also matched as it is, so a server on a non-default port can be told
 * apart from others on the same name (as the test suite's servers on 127.0.0.1 are).
 */
function domainAndParents(host: string): string[] {
  const full = host.toLowerCase().replace(/\.$/, "");
  const name = full.replace(/:\d+$/, "");
  const parts = name.split(".");
  const parents = parts.map((_, i) => parts.slice(i).join(".")).filter((d) => d.includes("."));
  return full === name ? parents : [full, ...parents];
}

/** The strictest decision covering a host (block beats limit), or undefined for none. */
export function domainSeverity(db: Db, host: string): DomainSeverity | undefined {
  const candidates = domainAndParents(host);
  if (candidates.length === 0) return undefined;
  const rows = db
    .select({ severity: domainBlocks.severity })
    .from(domainBlocks)
    .where(inArray(domainBlocks.domain, candidates))
    .all();
  if (rows.some((r) => r.severity === "block")) return "block";
  return rows.length > 0 ? "limit" : undefined;
}

/**
 * Whether a host (or a domain above it) is blocked, as a function over one prepared statement,
 * for paths that ask for every message (each queued delivery) where building the query each
 * time cost more than running it. The table is read on every call, so a block made by another
 * process (the admin command line) applies from the next delivery on.
 */
export function blockedDomainChecker(db: Db): (host: string) => boolean {
  const blocked = db.$client
    .prepare(
      `SELECT 1 FROM domain_blocks
       WHERE severity = 'block' AND domain IN (SELECT value FROM json_each(?)) LIMIT 1`,
    )
    .pluck();
  return (host) => {
    const candidates = domainAndParents(host);
    return candidates.length > 0 && blocked.get(JSON.stringify(candidates)) !== undefined;
  };
}

/** Whether a host (or a domain above it) is blocked. */
export function isDomainBlocked(db: Db, host: string): boolean {
  return domainSeverity(db, host) === "block";
}

/** Whether an actor lives on a limited (or blocked) server; local actors never do. */
export function isActorLimited(db: Db, actorId: number): boolean {
  const actor = db
    .select({ host: actors.host, isLocal: actors.isLocal })
    .from(actors)
    .where(eq(actors.id, actorId))
    .get();
  return Boolean(actor && !actor.isLocal && domainSeverity(db, actor.host));
}

/** Every blocked or limited domain, by name. */
export function listDomainBlocks(db: Db): DomainBlock[] {
  return db.select().from(domainBlocks).orderBy(asc(domainBlocks.domain)).all();
}

/** A checked domain decision, ready to store. */
export interface DomainBlockInput {
  domain: string;
  severity: DomainSeverity;
  reason: string;
}

/** Checks a domain decision from a form, throwing a ValidationError naming each bad field. */
export function checkDomainBlock(input: {
  domain: string;
  severity: string;
  reason: string;
}): DomainBlockInput {
  const errors = [];
  const domain = normaliseDomain(input.domain);
  if (!domain) {
    errors.push({ field: "domain", message: "Enter a domain name like social.example.org" });
  }
  if (input.severity !== "block" && input.severity !== "limit") {
    errors.push({ field: "severity", message: "Choose whether to block or limit the server" });
  }
  const reason = input.reason.trim();
  if (reason.length > MAX_REASON) {
    errors.push({
      field: "reason",
      message: `The reason must be ${MAX_REASON} characters or fewer`,
    });
  }
  if (errors.length > 0 || !domain) throw new ValidationError(errors);
  return { domain, severity: input.severity as DomainSeverity, reason };
}

/**
 * Stores decisions about domains (replacing any earlier one for the same domain) in one
 * transaction, and takes the people of newly blocked domains out of local communities.
 * Returns how many memberships ended.
 */
export function saveDomainBlocks(db: Db, entries: DomainBlockInput[], now = Date.now()): number {
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    let removed = 0;
    for (const entry of entries) {
      txDb
        .insert(domainBlocks)
        .values({ ...entry, createdAt: new Date(now) })
        .onConflictDoUpdate({
          target: domainBlocks.domain,
          set: { severity: entry.severity, reason: entry.reason },
        })
        .run();
      if (entry.severity === "block") removed += removeMembersFrom(txDb, entry.domain);
    }
    return removed;
  });
}

/** Ends the memberships that people of a domain (or its subdomains) hold in local communities. */
function removeMembersFrom(db: Db, domain: string): number {
  const remote = db
    .select({ id: actors.id, host: actors.host })
    .from(actors)
    .where(eq(actors.isLocal, false))
    .all()
    .filter((a) => domainAndParents(a.host).includes(domain))
    .map((a) => a.id);
  if (remote.length === 0) return 0;
  const localGroups = db
    .select({ id: actors.id })
    .from(actors)
    .where(and(eq(actors.isLocal, true), eq(actors.type, "Group")));
  let removed = 0;
  // In slices, to stay under SQLite's limit on bound parameters.
  for (let i = 0; i < remote.length; i += 500) {
    removed += db
      .delete(memberships)
      .where(
        and(
          inArray(memberships.memberId, remote.slice(i, i + 500)),
          inArray(memberships.groupId, localGroups),
        ),
      )
      .run().changes;
  }
  return removed;
}

/** Lifts a block or limit; false when the domain had none. */
export function removeDomainBlock(db: Db, domain: string): boolean {
  return db.delete(domainBlocks).where(eq(domainBlocks.domain, domain)).run().changes > 0;
}
