import type { Context } from "hono";
import { type ActorRow, findActorByHandle } from "../domain/actors.ts";
import { type CommunityState, findCommunity } from "../domain/communities.ts";
import { parseHandle } from "../federation/lookup.ts";
import type { AppEnv } from "./env.ts";

// Which community a `/c/:ref` address names, and whether the viewer may know it exists: apart
// from community-access.tsx so the layout's community navigation (community-nav.ts) can use it
// without importing the page renderer back.

/** The community a `/c/:ref` path names, as the pages need it. */
type FoundGroup = {
  group: ActorRow;
  isPrivate: boolean;
  state: CommunityState;
  stateReason: string;
  createdById?: number | null;
} | null;

/** What each request has found already: a page asks for its community more than once. */
const foundByRequest = new WeakMap<Request, Map<string, FoundGroup>>();

/** The group a `/c/:ref` path names: `handle` for local, `handle@host` for remote. */
export function groupFor(
  c: Context<AppEnv>,
  rawRef: string = c.req.param("ref") ?? "",
): FoundGroup {
  let found = foundByRequest.get(c.req.raw);
  if (found === undefined) {
    found = new Map();
    foundByRequest.set(c.req.raw, found);
  }
  if (found.has(rawRef)) return found.get(rawRef) ?? null;
  const group = lookUpGroup(c, rawRef);
  found.set(rawRef, group);
  return group;
}

function lookUpGroup(c: Context<AppEnv>, rawRef: string): FoundGroup {
  const { db, config } = c.get("deps");
  const ref = decodeURIComponent(rawRef).toLowerCase();
  const remote = parseHandle(ref);
  if (remote && remote.host !== new URL(config.origin).host) {
    const group = findActorByHandle(db, remote.name, remote.host);
    return group?.type === "Group"
      ? { group, isPrivate: group.manuallyApprovesFollowers, state: "open", stateReason: "" }
      : null;
  }
  const community = findCommunity(db, remote ? remote.name : ref);
  // A deleted community is gone from every page.
  return community && community.state !== "deleted"
    ? {
        group: community.actor,
        isPrivate: community.visibility === "private",
        state: community.state,
        stateReason: community.stateReason,
        createdById: community.createdById,
      }
    : null;
}

/**
 * Whether a community must look missing to the viewer: one waiting for approval (or refused)
 * is seen only by its creator and the administrators.
 */
export function hiddenFromViewer(
  c: Context<AppEnv>,
  found: { state: CommunityState; createdById?: number | null },
): boolean {
  if (found.state !== "pending" && found.state !== "rejected") return false;
  const account = c.get("account");
  return !account?.isAdmin && (account === null || account.actor.id !== found.createdById);
}
