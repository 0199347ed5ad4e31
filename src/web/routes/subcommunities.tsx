import { type Context, Hono } from "hono";
import { communitiesNeedApproval } from "../../domain/admin/communities.ts";
import { createCommunity } from "../../domain/communities.ts";
import { moveCommunity } from "../../domain/community-tree.ts";
import { ValidationError } from "../../domain/errors.ts";
import { setStage, stageInfo } from "../../domain/lifecycle.ts";
import { communityPagePath } from "../../domain/paths.ts";
import { enabledSections } from "../../domain/sections.ts";
import { publishGroupUpdate } from "../../federation/group-update.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { type CommunityAccess, communityAccess, communityNotFound } from "../community-access.tsx";
import { lifecycleSettingsFor } from "../community-tree.ts";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage } from "../views/errors.tsx";
import {
  MovePage,
  NewSubCommunityPage,
  StagePage,
  type SubCommunityForm,
} from "../views/pages/subcommunities.tsx";

const log = logger("web", "subcommunities");

type C = Context<AppEnv>;

/** The community the path names when the viewer runs it, or the response refusing them. */
function facilitated(c: C, refusal: string): CommunityAccess | Promise<Response> {
  const access = communityAccess(c);
  if (!access?.group.isLocal) return communityNotFound(c);
  if (!access.canModerate) {
    return render(c, <ForbiddenPage ctx={pageContext(c)} message={refusal} />, 403);
  }
  return access;
}

/** Reads a form whose checkboxes may repeat a name. */
async function formValues(c: C): Promise<(name: string) => string[]> {
  const body = await c.req.parseBody({ all: true });
  return (name) =>
    ([] as unknown[]).concat(body[name] ?? []).filter((v): v is string => typeof v === "string");
}

const CREATE_REFUSAL = "Only this community's facilitators can create sub-communities.";
const SETTINGS_REFUSAL = "Only this community's facilitators can change its settings.";

/** Creating a sub-community, and setting a community's lifecycle stage and parent. */
export function subcommunityRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/c/:ref/subcommunities/new", requireSignIn());
  app.use("/c/:ref/settings/stage", requireSignIn());
  app.use("/c/:ref/settings/parent", requireSignIn());

  app.get("/c/:ref/subcommunities/new", (c) => {
    const access = facilitated(c, CREATE_REFUSAL);
    if (!("group" in access)) return access;
    const offered = enabledSections(c.get("deps").db, access.group.id);
    const values: SubCommunityForm = {
      name: "",
      handle: "",
      description: "",
      visibility: access.isPrivate ? "private" : "public",
      sections: [...offered],
      inherit: false,
    };
    return render(
      c,
      <NewSubCommunityPage
        ctx={pageContext(c)}
        parent={access}
        offered={offered}
        values={values}
      />,
    );
  });

  app.post("/c/:ref/subcommunities/new", async (c) => {
    const access = facilitated(c, CREATE_REFUSAL);
    if (!("group" in access)) return access;
    const { db, config } = c.get("deps");
    const me = c.get("account")!.actor;
    const field = await formValues(c);
    const values: SubCommunityForm = {
      name: field("name")[0] ?? "",
      handle: field("handle")[0] ?? "",
      description: field("description")[0] ?? "",
      visibility: field("visibility")[0] ?? "",
      sections: field("sections"),
      inherit: field("inherit")[0] === "yes",
    };
    try {
      // A sub-community is a new community too: it waits for approval when the setting says so.
      const pending = communitiesNeedApproval(db) && !c.get("account")!.isAdmin;
      const child = createCommunity(db, config.origin, {
        ...values,
        ownerActorId: me.id,
        pending,
        parent: {
          groupId: access.group.id,
          sections: values.sections,
          inheritsMembership: values.inherit,
        },
      });
      log.info("{owner} created {child} under {parent}", {
        owner: me.handle,
        child: child.actor.handle,
        parent: access.group.handle,
      });
      setFlash(
        c,
        pending
          ? `${child.actor.name} has been created as part of ${access.group.name} and is awaiting an administrator's approval.`
          : `${child.actor.name} has been created as part of ${access.group.name}. You are its facilitator.`,
      );
      return c.redirect(communityPagePath(child.actor.handle), 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return render(
        c,
        <NewSubCommunityPage
          ctx={pageContext(c)}
          parent={access}
          offered={enabledSections(db, access.group.id)}
          values={values}
          errors={error.errors}
        />,
        422,
      );
    }
  });

  app.post("/c/:ref/settings/stage", async (c) => {
    const access = facilitated(c, SETTINGS_REFUSAL);
    if (!("group" in access)) return access;
    const chosen = (await formValues(c))("stage")[0] ?? "";
    try {
      const stage = setStage(c.get("deps").db, access.group.id, chosen);
      log.info("{who} set the stage of {group} to {stage}", {
        who: c.get("account")!.actor.handle,
        group: access.group.handle,
        stage,
      });
      setFlash(c, `${access.group.name} is now at the ${stageInfo(stage).label} stage.`);
      return c.redirect(access.path, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return render(
        c,
        <StagePage ctx={pageContext(c)} access={access} stage={chosen} errors={error.errors} />,
        422,
      );
    }
  });

  app.post("/c/:ref/settings/parent", async (c) => {
    const access = facilitated(c, SETTINGS_REFUSAL);
    if (!("group" in access)) return access;
    const { db } = c.get("deps");
    const account = c.get("account")!;
    const chosen = ((await formValues(c))("parent")[0] ?? "").trim();
    const refuse = (errors: ValidationError["errors"]) =>
      render(
        c,
        <MovePage
          ctx={pageContext(c)}
          access={access}
          data={lifecycleSettingsFor(db, access.group, account)!}
          value={chosen}
          errors={errors}
        />,
        422,
      );
    if (chosen !== "" && !/^\d+$/.test(chosen)) {
      return refuse([{ field: "parent", message: "Choose a community from the list, or none" }]);
    }
    try {
      const parent = moveCommunity(db, {
        groupId: access.group.id,
        parentId: chosen === "" ? null : Number(chosen),
        byActorId: account.actor.id,
        // An instance administrator may place it under any community here.
        asAdmin: account.isAdmin,
      });
      log.info("{who} moved {group} under {parent}", {
        who: account.actor.handle,
        group: access.group.handle,
        parent: parent?.handle ?? "(top level)",
      });
      // Other servers learn the new parent from the Group document (FEDERATION.md).
      await publishGroupUpdate(federationContext(c), access.group);
      setFlash(
        c,
        parent
          ? `${access.group.name} is now part of ${parent.name}.`
          : `${access.group.name} is now a top-level community.`,
      );
      return c.redirect(access.path, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return refuse(error.errors);
    }
  });

  return app;
}
