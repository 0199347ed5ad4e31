import { type Context, Hono } from "hono";
import {
  approveCommunity,
  closeCommunity,
  communitiesNeedApproval,
  findCommunityListing,
  listCommunitiesForAdmin,
  rejectCommunity,
  reopenCommunity,
  setCommunitiesNeedApproval,
} from "../../../domain/admin/communities.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../../domain/errors.ts";
import { deleteCommunityEverywhere } from "../../../federation/community-deletion.ts";
import { logger } from "../../../logging.ts";
import { setFlash } from "../../auth.ts";
import type { AppEnv } from "../../env.ts";
import { federationContext } from "../../federation.ts";
import { formFields } from "../../forms.ts";
import { pageContext, render } from "../../render.ts";
import { NotFoundPage } from "../../views/errors.tsx";
import {
  ADMIN_COMMUNITIES_PATH,
  AdminCommunitiesPage,
  AdminCommunityPage,
  adminCommunityPath,
  CommunityActionPage,
  type ReasonedAction,
} from "../../views/pages/admin/communities.tsx";

const log = logger("web", "admin", "communities");

type C = Context<AppEnv>;

const PAGE_SIZE = 25;

/** The community in the path, as the administrators' pages show it. */
function listingOf(c: C) {
  const raw = c.req.param("id") ?? "";
  if (!/^[1-9]\d{0,15}$/.test(raw)) return undefined;
  return findCommunityListing(c.get("deps").db, Number(raw));
}

function notFound(c: C) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="There is no community with that number." />,
    404,
  );
}

/** An action that no longer applies (another administrator acted first): say so on its page. */
function refused(c: C, groupId: number, message: string) {
  setFlash(c, `Nothing was changed: ${message}.`);
  return c.redirect(adminCommunityPath(groupId), 303);
}

/** What each reasoned action does once the reason is given; returns the flash message. */
const REASONED: Record<
  ReasonedAction,
  (c: C, groupId: number, name: string, reason: string) => Promise<string>
> = {
  reject: async (c, groupId, name, reason) => {
    rejectCommunity(c.get("deps").db, groupId, reason);
    return `${name} was not approved. Its creator has been told.`;
  },
  close: async (c, groupId, name, reason) => {
    closeCommunity(c.get("deps").db, groupId, reason);
    return `${name} is closed. Its members have been told.`;
  },
  delete: async (c, groupId, name, reason) => {
    await deleteCommunityEverywhere(federationContext(c), groupId, reason);
    return `${name} has been deleted. Its members have been told.`;
  },
};

/** The communities pages: approval setting and queue, closing and deleting; adminRoutes() guards them. */
export function adminCommunityRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get(ADMIN_COMMUNITIES_PATH, (c) => {
    const { db } = c.get("deps");
    const query = (c.req.query("q") ?? "").trim().slice(0, 200);
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const { communities, total } = listCommunitiesForAdmin(db, {
      query,
      page,
      pageSize: PAGE_SIZE,
    });
    const pending = listCommunitiesForAdmin(db, { state: "pending", page: 1, pageSize: 100 });
    return render(
      c,
      <AdminCommunitiesPage
        ctx={pageContext(c)}
        needApproval={communitiesNeedApproval(db)}
        pending={pending.communities}
        communities={communities}
        query={query}
        total={total}
        page={page}
        pageSize={PAGE_SIZE}
      />,
    );
  });

  app.post(`${ADMIN_COMMUNITIES_PATH}/approval`, async (c) => {
    const on = (await formFields(c)).approval === "on";
    setCommunitiesNeedApproval(c.get("deps").db, on);
    log.info("{who} set the approval of new communities {value}", {
      who: c.get("account")?.actor.handle,
      value: on ? "on" : "off",
    });
    setFlash(
      c,
      on
        ? "New communities now wait for an administrator's approval."
        : "New communities no longer need an administrator's approval.",
    );
    return c.redirect(ADMIN_COMMUNITIES_PATH, 303);
  });

  app.get(`${ADMIN_COMMUNITIES_PATH}/:id`, (c) => {
    const community = listingOf(c);
    if (!community) return notFound(c);
    return render(c, <AdminCommunityPage ctx={pageContext(c)} community={community} />);
  });

  const immediate = (verb: "approve" | "reopen", act: typeof approveCommunity, done: string) =>
    app.post(`${ADMIN_COMMUNITIES_PATH}/:id/${verb}`, (c) => {
      const community = listingOf(c);
      if (!community) return notFound(c);
      try {
        act(c.get("deps").db, community.groupId);
      } catch (error) {
        if (error instanceof ConflictError) return refused(c, community.groupId, error.message);
        throw error;
      }
      log.info("{who} did {verb} to {handle}", {
        who: c.get("account")?.actor.handle,
        verb,
        handle: community.handle,
      });
      setFlash(c, `${community.name} ${done}`);
      return c.redirect(adminCommunityPath(community.groupId), 303);
    });
  immediate("approve", approveCommunity, "is approved. Its creator has been told.");
  immediate("reopen", reopenCommunity, "is open again.");

  for (const action of ["reject", "close", "delete"] as const) {
    const path = `${ADMIN_COMMUNITIES_PATH}/:id/${action}`;
    app.get(path, (c) => {
      const community = listingOf(c);
      if (!community) return notFound(c);
      return render(
        c,
        <CommunityActionPage ctx={pageContext(c)} community={community} action={action} />,
      );
    });
    app.post(path, async (c) => {
      const community = listingOf(c);
      if (!community) return notFound(c);
      const reason = (await formFields(c)).reason ?? "";
      let done: string;
      try {
        done = await REASONED[action](c, community.groupId, community.name, reason);
      } catch (error) {
        if (error instanceof ValidationError) {
          return render(
            c,
            <CommunityActionPage
              ctx={pageContext(c)}
              community={community}
              action={action}
              reason={reason}
              errors={error.errors}
            />,
            422,
          );
        }
        if (error instanceof ConflictError || error instanceof NotFoundError) {
          return refused(c, community.groupId, error.message);
        }
        throw error;
      }
      log.info("{who} did {action} to {handle}: {reason}", {
        who: c.get("account")?.actor.handle,
        action,
        handle: community.handle,
        reason,
      });
      setFlash(c, done);
      return c.redirect(
        action === "delete" ? ADMIN_COMMUNITIES_PATH : adminCommunityPath(community.groupId),
        303,
      );
    });
  }
  return app;
}
