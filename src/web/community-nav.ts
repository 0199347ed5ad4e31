import type { Context } from "hono";
import { findMembership } from "../domain/membership.ts";
import { communityPagePath } from "../domain/paths.ts";
import { enabledSections, SECTIONS } from "../domain/sections.ts";
import { groupFor, hiddenFromViewer } from "./community-ref.ts";
import type { AppEnv } from "./env.ts";
import type { CommunityNavRef } from "./views/page-context.ts";

// Every page of a community (its home, forum, blog, wiki, events, documents, polls, news,
// people, settings...) shows the same section tabs. The layout draws them from what this
// works out from the address, so no route has to remember to pass them.

const COMMUNITY_PATH = /^\/c\/([^/]+)/;

/**
 * The community the page's address is in, with the sections it shows, when the viewer may read
 * it; undefined elsewhere, for a community that must look missing, and for a private one the
 * viewer is not a member of (its sections are its members' business).
 */
export function communityNavFor(c: Context<AppEnv>): CommunityNavRef | undefined {
  const match = COMMUNITY_PATH.exec(c.req.path);
  // Before the session middleware has run (an early error page) nobody is known yet: no tabs.
  if (!match || c.get("account") === undefined) return undefined;
  let found: ReturnType<typeof groupFor>;
  try {
    found = groupFor(c, match[1]!);
  } catch {
    // A malformed escape in the address: the route answers it; the layout shows no tabs.
    return undefined;
  }
  if (!found || hiddenFromViewer(c, found)) return undefined;
  const { db } = c.get("deps");
  const account = c.get("account");
  if (found.isPrivate && !account?.isAdmin) {
    const membership = account ? findMembership(db, found.group.id, account.actor.id) : undefined;
    if (membership?.state !== "active") return undefined;
  }
  const { group } = found;
  const sections = enabledSections(db, group.id);
  return {
    name: group.name,
    path: communityPagePath(group.handle, group.isLocal ? undefined : group.host),
    sections: SECTIONS.filter((s) => sections.has(s.id)).map(({ id, label }) => ({ id, label })),
  };
}
