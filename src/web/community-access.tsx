import type { Context } from "hono";
import type { ActorRow } from "../domain/actors.ts";
import type { CommunityState } from "../domain/communities.ts";
import { canView, getItem, groupsOfItem, type ItemKind, type ItemRow } from "../domain/items.ts";
import { findMembership, isFacilitator, type Membership } from "../domain/membership.ts";
import { AnnouncementOnlyError, mayStartThread } from "../domain/moderation/announcement.ts";
import { communityPagePath } from "../domain/paths.ts";
import { enabledSections, type SectionId } from "../domain/sections.ts";
import { groupFor, hiddenFromViewer } from "./community-ref.ts";
import type { AppEnv } from "./env.ts";

export { groupFor, hiddenFromViewer } from "./community-ref.ts";

import { pageContext, render } from "./render.ts";
import { ForbiddenPage, NotFoundPage } from "./views/errors.tsx";

/** A community as the current viewer may use it. */
export interface CommunityAccess {
  group: ActorRow;
  isPrivate: boolean;
  /** The community's page, e.g. `/c/garden` or `/c/garden@other.example`. */
  path: string;
  membership: Membership | undefined;
  /** Whether the viewer may read its content (public, or an active member, or an admin). */
  canRead: boolean;
  /** Whether the viewer may post (an active member). */
  canPost: boolean;
  /**
   * Whether the viewer may start new topics and posts: a member, and a facilitator when the
   * community is announcement-only (src/domain/moderation/announcement.ts).
   */
  canStartThreads: boolean;
  /** Whether the viewer runs it (a facilitator of a local community). */
  canModerate: boolean;
  /**
   * Whether the viewer facilitates a community hosted on another server (as that server told
   * us): they act on it from here, and it decides.
   */
  facilitatesRemote: boolean;
  /** The signed-in viewer's actor, or null for a visitor. */
  viewerId: number | null;
  /** Where a local community stands with the administrators; remote ones are "open". */
  state: CommunityState;
  /** The administrator's reason, for a rejected or closed community. */
  stateReason: string;
}

/** Works out what the viewer may do in the community the path names; null when there is none. */
export function communityAccess(c: Context<AppEnv>): CommunityAccess | null {
  const found = groupFor(c);
  if (!found) return null;
  const { db } = c.get("deps");
  const account = c.get("account");
  const membership = account ? findMembership(db, found.group.id, account.actor.id) : undefined;
  const active = membership?.state === "active";
  if (hiddenFromViewer(c, found)) return null;
  const moderator =
    account !== null &&
    found.group.isLocal &&
    (isFacilitator(db, found.group.id, account.actor.id) || account.isAdmin);
  const { createdById: _creator, ...shown } = found;
  return {
    ...shown,
    path: communityPagePath(found.group.handle, found.group.isLocal ? undefined : found.group.host),
    membership,
    canRead: !found.isPrivate || active || account?.isAdmin === true,
    canPost: active && found.state === "open",
    canStartThreads:
      active &&
      found.state === "open" &&
      mayStartThread(db, found.group.id, account?.actor.id ?? 0),
    canModerate: moderator,
    facilitatesRemote:
      account !== null &&
      !found.group.isLocal &&
      isFacilitator(db, found.group.id, account.actor.id),
    viewerId: account ? account.actor.id : null,
  };
}

/** The 404 page for a community path that names nothing. */
export function communityNotFound(c: Context<AppEnv>) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="There is no community at this address." />,
    404,
  );
}

/** The 403 page for a private community's content seen by a non-member. */
export function membersOnly(c: Context<AppEnv>, access: CommunityAccess) {
  return render(
    c,
    <ForbiddenPage
      ctx={pageContext(c)}
      message={`Only members of ${access.group.name} can see this. Ask to join on its home page.`}
    />,
    403,
  );
}

/**
 * Answers 403 when the viewer may not start a new topic or post here: not a member, or not a
 * facilitator of an announcement-only community (null when they may).
 */
export function threadRefusal(c: Context<AppEnv>, access: CommunityAccess) {
  if (!access.canPost) return membersOnly(c, access);
  if (access.canStartThreads) return null;
  return render(
    c,
    <ForbiddenPage
      ctx={pageContext(c)}
      message={new AnnouncementOnlyError(access.group.name).message}
    />,
    403,
  );
}

/**
 * Answers 404 when a facilitator has switched a section off (null when it is on), so every
 * section's routes can start with `const off = sectionOff(c, access, "wiki"); if (off) return off;`.
 */
export function sectionOff(
  c: Context<AppEnv>,
  access: CommunityAccess,
  section: SectionId,
): Promise<Response> | null {
  if (!access.group.isLocal) return null; // a remote community's home decides its sections
  if (enabledSections(c.get("deps").db, access.group.id).has(section)) return null;
  return render(
    c,
    <NotFoundPage
      ctx={pageContext(c)}
      message={`${access.group.name} does not use this section.`}
    />,
    404,
  );
}

/**
 * Resolves the community and checks the viewer may read one of its sections, or answers with
 * the right page: 404 for no community (or the section switched off), 403 for a private one's
 * outsiders.
 */
export function readableSection(
  c: Context<AppEnv>,
  section: SectionId,
): CommunityAccess | Promise<Response> {
  const access = communityAccess(c);
  if (!access) return communityNotFound(c);
  if (!access.canRead) return membersOnly(c, access);
  return sectionOff(c, access, section) ?? access;
}

/**
 * The item of one kind that the path's id names, if it is not deleted, belongs to this
 * community and the viewer may see it; anything else is undefined, so that a route answers
 * 404 alike for what does not exist and what the viewer may not know about.
 */
export function itemIn(
  c: Context<AppEnv>,
  access: CommunityAccess,
  kind: ItemKind,
): ItemRow | undefined {
  const { db } = c.get("deps");
  const id = Number(c.req.param("id"));
  const item = Number.isInteger(id) ? getItem(db, id) : undefined;
  if (item?.kind !== kind || item.deletedAt) return undefined;
  if (!groupsOfItem(db, item.id).some((g) => g.id === access.group.id)) return undefined;
  return canView(db, item, c.get("account")?.actor.id) ? item : undefined;
}
