import type { Context } from "hono";
import {
  type CommunityAccess,
  communityAccess,
  communityNotFound,
  membersOnly,
  sectionOff,
} from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage, NotFoundPage } from "../views/errors.tsx";

type C = Context<AppEnv>;

/**
 * Resolves the community and checks the viewer may read its news, or answers with the right
 * page: 404 for no community, a remote one (its news lives on its own server) or the section
 * switched off; 403 for a private community's outsiders.
 */
export function readableNews(c: C): CommunityAccess | Promise<Response> {
  const access = communityAccess(c);
  if (!access) return communityNotFound(c);
  if (!access.group.isLocal) {
    return render(
      c,
      <NotFoundPage
        ctx={pageContext(c)}
        message={`${access.group.name} is hosted on ${access.group.host}; see its news there.`}
      />,
      404,
    );
  }
  if (!access.canRead) return membersOnly(c, access);
  return sectionOff(c, access, "news") ?? access;
}

/** Like readableNews, and also checks the viewer runs the community (403 otherwise). */
export function manageableNews(c: C): CommunityAccess | Promise<Response> {
  const access = readableNews(c);
  if (access instanceof Promise) return access;
  if (!access.canModerate) {
    return render(
      c,
      <ForbiddenPage
        ctx={pageContext(c)}
        message="Only this community's facilitators can manage its news feeds."
      />,
      403,
    );
  }
  return access;
}
