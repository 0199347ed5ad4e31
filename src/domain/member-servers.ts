import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { communities } from "../db/schema/index.ts";
import { ForbiddenError, ValidationError } from "./errors.ts";
import { isFacilitator } from "./membership.ts";

// A private community's posts are addressed to its members only, but not every server honours
// that: Copse shows them to members only, and Mastodon keeps followers-only posts from its
// other users, but Lemmy and NodeBB store what they receive and show it to anyone who visits.
// So a private community's facilitators may accept remote members only from Copse instances,
// and from servers they name.

/** Which servers a community accepts people from. */
export type MemberServers = "anywhere" | "copse";

/** A community's rule on where its remote members may come from. */
export interface MemberServerRule {
  mode: MemberServers;
  /** Hosts accepted whatever software they run (lower case). */
  allowed: string[];
}

/** The NodeInfo software name Copse publishes, which identifies a Copse instance. */
export const COPSE_SOFTWARE = "copse";
const MAX_HOSTS = 100;
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

function communityRow(db: Db, groupId: number) {
  return db.select().from(communities).where(eq(communities.actorId, groupId)).get();
}

/** The rule a local private community applies to remote requests; null when it accepts anyone. */
export function memberServerRule(db: Db, groupId: number): MemberServerRule | null {
  const community = communityRow(db, groupId);
  if (community?.visibility !== "private" || community.memberServers === "anywhere") return null;
  return { mode: community.memberServers, allowed: parseHosts(community.allowedServers) };
}

/** What the settings page shows: the stored choice, whatever the community's visibility. */
export function memberServerSettings(db: Db, groupId: number): MemberServerRule {
  const community = communityRow(db, groupId);
  return {
    mode: community?.memberServers ?? "anywhere",
    allowed: parseHosts(community?.allowedServers ?? ""),
  };
}

/** Whether a host is on the rule's own list (then its software is not asked). */
export function isListedServer(rule: MemberServerRule, host: string): boolean {
  return rule.allowed.includes(host.toLowerCase());
}

/** Why a server's people are refused under the rule, or null when they are accepted. */
export function refusalReason(
  rule: MemberServerRule,
  host: string,
  software: string | null,
): string | null {
  if (isListedServer(rule, host)) return null;
  if (software === COPSE_SOFTWARE) return null;
  return software
    ? `${host} runs ${software}, and this community accepts members only from Copse instances`
    : `${host} did not say which software it runs (NodeInfo), and this community accepts members only from Copse instances`;
}

/** Host names typed one a line (or separated by commas or spaces), lower-cased, without duplicates. */
export function parseHosts(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h.length > 0),
    ),
  ];
}

/** A facilitator sets where the community's remote members may come from. */
export function setMemberServers(
  db: Db,
  groupId: number,
  byActorId: number,
  input: { mode: string; allowed: string },
): MemberServerRule {
  if (!isFacilitator(db, groupId, byActorId)) {
    throw new ForbiddenError("Only the community's facilitators can change this");
  }
  if (input.mode !== "anywhere" && input.mode !== "copse") {
    throw new ValidationError([
      { field: "member-servers", message: "Choose which servers members may come from" },
    ]);
  }
  const allowed = parseHosts(input.allowed);
  const bad = allowed.find((h) => !HOST.test(h));
  if (bad || allowed.length > MAX_HOSTS) {
    throw new ValidationError([
      {
        field: "allowed-servers",
        message: bad
          ? `“${bad}” is not a server name: enter names such as copse.example.org, one a line`
          : `Name at most ${MAX_HOSTS} servers`,
      },
    ]);
  }
  db.update(communities)
    .set({ memberServers: input.mode, allowedServers: allowed.join("\n") })
    .where(eq(communities.actorId, groupId))
    .run();
  return { mode: input.mode, allowed };
}
