import { type Context, Hono } from "hono";
import { countMembers, listMembersPage } from "../../domain/member-list.ts";
import { findMembership } from "../../domain/membership.ts";
import { communityAccess, groupFor } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage, NotFoundPage } from "../views/errors.tsx";
import { MEMBERS_PER_PAGE, MembersPage } from "../views/pages/members.tsx";

/**
 * Whether the viewer may see who is in a community: anyone for a public one; for a private
 * one, its active members and administrators (the rule of the community page).
 */
export function mayListMembers(
  c: Context<AppEnv>,
  found: { group: { id: number }; isPrivate: boolean },
) {
  if (!found.isPrivate || c.get("account")?.isAdmin === true) return true;
  const viewer = c.get("account")?.actor;
  return (
    viewer !== undefined &&
    findMembership(c.get("deps").db, found.group.id, viewer.id)?.state === "active"
  );
}

/** A community's full members list, a page at a time. */
export function memberRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/c/:ref/people", (c) => {
    const found = groupFor(c);
    if (!found) {
      const message = "There is no community at this address.";
      return render(c, <NotFoundPage ctx={pageContext(c)} message={message} />, 404);
    }
    if (!mayListMembers(c, found)) {
      const message = "Only members can see who is in this community.";
      return render(c, <ForbiddenPage ctx={pageContext(c)} message={message} />, 403);
    }
    const { db } = c.get("deps");
    const total = countMembers(db, found.group.id);
    const lastPage = Math.max(1, Math.ceil(total / MEMBERS_PER_PAGE));
    const asked = Number.parseInt(c.req.query("page") ?? "1", 10) || 1;
    const page = Math.min(lastPage, Math.max(1, asked));
    const members = listMembersPage(db, found.group.id, {
      offset: (page - 1) * MEMBERS_PER_PAGE,
      limit: MEMBERS_PER_PAGE,
    });
    return render(
      c,
      <MembersPage
        ctx={pageContext(c)}
        group={found.group}
        members={members}
        total={total}
        page={page}
        canInvite={communityAccess(c)?.canModerate === true}
      />,
    );
  });
  return app;
}
