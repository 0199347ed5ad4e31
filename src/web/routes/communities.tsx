import { type Context, Hono } from "hono";
import { getActor } from "../../domain/actors.ts";
import { communitiesNeedApproval } from "../../domain/admin/communities.ts";
import {
  createCommunity,
  findCommunityByActorId,
  listCommunities,
} from "../../domain/communities.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../domain/errors.ts";
import { recentInGroup } from "../../domain/forum.ts";
import { canView } from "../../domain/items.ts";
import { isStage } from "../../domain/lifecycle.ts";
import { countMembers, listMembersPage } from "../../domain/member-list.ts";
import { findMembership, isFacilitator, listMembers } from "../../domain/membership.ts";
import { lastReasonFor } from "../../domain/moderation/log.ts";
import { flaggedFeedCount } from "../../domain/news/feeds.ts";
import { communityPagePath } from "../../domain/paths.ts";
import { tagCloud } from "../../domain/tag-cloud.ts";
import { LookupError, resolveActor } from "../../federation/lookup.ts";
import { decideRequest, joinCommunity, leaveCommunity } from "../../federation/membership.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { groupFor, hiddenFromViewer } from "../community-access.tsx";
import { lineageFor } from "../community-tree.ts";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { pollClosingTimes } from "../polls/access.tsx";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage, NotFoundPage } from "../views/errors.tsx";
import { CommunitiesPage, NewCommunityPage, RequestsPage } from "../views/pages/communities.tsx";
import { CommunityPage } from "../views/pages/community-home.tsx";
import { MEMBERS_ON_COMMUNITY_PAGE } from "../views/pages/members.tsx";
import { LeaveRefusedPage } from "../views/pages/moderation/details.tsx";

const log = logger("web", "communities");

function notFound(c: Context<AppEnv>) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="There is no community at this address." />,
    404,
  );
}

/** All communities, creating one, a community's page, joining, leaving and requests. */
export function communityRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/communities", (c) => {
    // An unknown stage in the filter gets an error and the whole list (src/domain/lifecycle.ts).
    const stage = c.req.query("stage") ?? "";
    const known = stage === "" || isStage(stage);
    return render(
      c,
      <CommunitiesPage
        ctx={pageContext(c)}
        communities={listCommunities(c.get("deps").db)}
        stage={isStage(stage) ? stage : undefined}
        errors={
          known ? [] : [{ field: "stage", message: "Choose a lifecycle stage from the list" }]
        }
      />,
      known ? 200 : 422,
    );
  });

  app.get("/communities/find", async (c) => {
    const { db } = c.get("deps");
    const input = (c.req.query("handle") ?? "").trim();
    const fail = (message: string) =>
      render(
        c,
        <CommunitiesPage
          ctx={pageContext(c)}
          communities={listCommunities(db)}
          findValue={input}
          errors={[{ field: "handle", message }]}
        />,
        422,
      );
    if (!input) return fail("Enter the community's handle, like @planning@council.example");
    try {
      const actor = await resolveActor(federationContext(c), input);
      if (actor.type !== "Group") return fail(`${input} is a person, not a community`);
      return c.redirect(
        communityPagePath(actor.handle, actor.isLocal ? undefined : actor.host),
        303,
      );
    } catch (error) {
      if (error instanceof LookupError) return fail(error.message);
      throw error;
    }
  });

  app.get("/communities/new", requireSignIn(), (c) =>
    render(c, <NewCommunityPage ctx={pageContext(c)} />),
  );

  app.post("/communities/new", requireSignIn(), async (c) => {
    const { db, config } = c.get("deps");
    const me = c.get("account")!.actor;
    const f = await formFields(c);
    const values = {
      name: f.name ?? "",
      handle: f.handle ?? "",
      description: f.description ?? "",
      visibility: f.visibility ?? "",
    };
    try {
      // Administrators' own communities need nobody's approval.
      const pending = communitiesNeedApproval(db) && !c.get("account")!.isAdmin;
      const community = createCommunity(db, config.origin, {
        ...values,
        ownerActorId: me.id,
        pending,
      });
      log.info("{owner} created community {handle}", {
        owner: me.handle,
        handle: community.actor.handle,
      });
      setFlash(
        c,
        pending
          ? `${community.actor.name} has been created and is awaiting an administrator's approval.`
          : `${community.actor.name} has been created. You are its facilitator.`,
      );
      return c.redirect(communityPagePath(community.actor.handle), 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(
          c,
          <NewCommunityPage ctx={pageContext(c)} values={values} errors={error.errors} />,
          422,
        );
      }
      throw error;
    }
  });

  app.get("/c/:ref", (c) => {
    const { db } = c.get("deps");
    const found = groupFor(c);
    if (!found || hiddenFromViewer(c, found)) return notFound(c);
    const { group, isPrivate } = found;
    const viewer = c.get("account")?.actor;
    const membership = viewer ? findMembership(db, group.id, viewer.id) : undefined;
    // Members of a private community are its own business; remote groups' member lists live
    // on their home servers, so only the people we know of here are shown.
    const mayList =
      !isPrivate || membership?.state === "active" || c.get("account")?.isAdmin === true;
    // The page shows how many members there are and the first few; the rest are a link away.
    const members = mayList
      ? {
          total: countMembers(db, group.id),
          first: listMembersPage(db, group.id, { offset: 0, limit: MEMBERS_ON_COMMUNITY_PAGE }),
        }
      : null;
    const facilitates =
      viewer !== undefined && group.isLocal && isFacilitator(db, group.id, viewer.id);
    const facilitatesRemote =
      viewer !== undefined && !group.isLocal && isFacilitator(db, group.id, viewer.id);
    const pendingCount = facilitates ? countMembers(db, group.id, "pending") : null;
    const recent = mayList
      ? recentInGroup(db, group.id, 10).filter(({ item }) => canView(db, item, viewer?.id))
      : null;
    return render(
      c,
      <CommunityPage
        ctx={pageContext(c)}
        group={group}
        isPrivate={isPrivate}
        membership={membership}
        members={members}
        pendingCount={pendingCount}
        canModerate={facilitates || c.get("account")?.isAdmin === true}
        facilitatesRemote={facilitatesRemote}
        rules={group.isLocal ? findCommunityByActorId(db, group.id)?.rules : undefined}
        banReason={
          membership?.state === "banned" && viewer
            ? lastReasonFor(db, group.id, viewer.id, "ban")
            : undefined
        }
        recent={recent}
        pollClosing={pollClosingTimes(c, recent)}
        tagCloud={mayList ? tagCloud(db, viewer?.id, { groupId: group.id, limit: 30 }) : undefined}
        flaggedNewsFeeds={group.isLocal ? flaggedFeedCount(db, group.id) : 0}
        lineage={lineageFor(db, group)}
        standing={{ state: found.state, reason: found.stateReason }}
      />,
    );
  });

  app.post("/c/:ref/join", requireSignIn(), async (c) => {
    const found = groupFor(c);
    if (!found || hiddenFromViewer(c, found)) return notFound(c);
    const me = c.get("account")!.actor;
    let membership: Awaited<ReturnType<typeof joinCommunity>>;
    try {
      membership = await joinCommunity(federationContext(c), me, found.group);
    } catch (error) {
      // A banned person cannot join again until the ban ends or is lifted.
      if (error instanceof ForbiddenError) {
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      }
      throw error;
    }
    setFlash(
      c,
      membership.state === "active"
        ? `You have joined ${found.group.name}.`
        : found.group.isLocal
          ? `Your request to join ${found.group.name} has been sent to its facilitators.`
          : `Your request to join ${found.group.name} has been sent to ${found.group.host}.`,
    );
    return c.redirect(
      communityPagePath(found.group.handle, found.group.isLocal ? undefined : found.group.host),
      303,
    );
  });

  app.post("/c/:ref/leave", requireSignIn(), async (c) => {
    const found = groupFor(c);
    if (!found) return notFound(c);
    const me = c.get("account")!.actor;
    const path = communityPagePath(
      found.group.handle,
      found.group.isLocal ? undefined : found.group.host,
    );
    try {
      await leaveCommunity(federationContext(c), me, found.group);
    } catch (error) {
      // The sole facilitator is told what to do instead, as an error with the way forward.
      if (error instanceof ConflictError) {
        return render(
          c,
          <LeaveRefusedPage ctx={pageContext(c)} name={found.group.name} path={path} />,
          409,
        );
      }
      if (error instanceof NotFoundError) {
        setFlash(c, error.message);
        return c.redirect(path, 303);
      }
      throw error;
    }
    setFlash(c, `You have left ${found.group.name}.`);
    return c.redirect(path, 303);
  });

  app.get("/c/:ref/requests", requireSignIn(), (c) => {
    const { db } = c.get("deps");
    const found = groupFor(c);
    if (!found?.group.isLocal) return notFound(c);
    const me = c.get("account")!;
    if (!isFacilitator(db, found.group.id, me.actor.id) && !me.isAdmin) {
      return render(
        c,
        <ForbiddenPage
          ctx={pageContext(c)}
          message="Only this community's facilitators can see its membership requests."
        />,
        403,
      );
    }
    return render(
      c,
      <RequestsPage
        ctx={pageContext(c)}
        group={found.group}
        pending={listMembers(db, found.group.id, "pending")}
      />,
    );
  });

  app.post("/c/:ref/requests/decide", requireSignIn(), async (c) => {
    const { db } = c.get("deps");
    const found = groupFor(c);
    if (!found?.group.isLocal) return notFound(c);
    const me = c.get("account")!;
    const f = await formFields(c);
    const member = /^\d+$/.test(f.member ?? "") ? getActor(db, Number(f.member)) : undefined;
    const path = `${communityPagePath(found.group.handle)}/requests`;
    if (!member || (f.decision !== "approve" && f.decision !== "reject")) {
      setFlash(c, "Choose approve or reject for a person who asked to join.");
      return c.redirect(path, 303);
    }
    try {
      await decideRequest(federationContext(c), {
        group: found.group,
        member,
        byActorId:
          me.isAdmin && !isFacilitator(db, found.group.id, me.actor.id) ? null : me.actor.id,
        approve: f.decision === "approve",
      });
    } catch (error) {
      if (error instanceof ForbiddenError) {
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      }
      if (error instanceof NotFoundError) {
        setFlash(c, error.message);
        return c.redirect(path, 303);
      }
      throw error;
    }
    setFlash(
      c,
      f.decision === "approve"
        ? `${member.name} is now a member.`
        : `You rejected ${member.name}'s request.`,
    );
    return c.redirect(path, 303);
  });

  return app;
}
