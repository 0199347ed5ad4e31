import { type Context, Hono } from "hono";
import { ForbiddenError, ValidationError } from "../../domain/errors.ts";
import { memberServerSettings, setMemberServers } from "../../domain/member-servers.ts";
import { enabledSections, setEnabledSections } from "../../domain/sections.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { type CommunityAccess, communityAccess, communityNotFound } from "../community-access.tsx";
import { lifecycleSettingsFor } from "../community-tree.ts";
import type { AppEnv } from "../env.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import type { FieldError } from "../views/components.tsx";
import { ForbiddenPage } from "../views/errors.tsx";
import { CommunitySettingsPage } from "../views/pages/settings.tsx";

const log = logger("web", "settings");

function notFacilitator(c: Context<AppEnv>) {
  return render(
    c,
    <ForbiddenPage
      ctx={pageContext(c)}
      message="Only this community's facilitators can change its settings."
    />,
    403,
  );
}

/** The settings page, with a refused members' servers form when there is one. */
function settingsPage(
  c: Context<AppEnv>,
  access: CommunityAccess,
  memberServersForm?: { typed: { mode: string; allowed: string }; errors: FieldError[] },
  status: 200 | 422 = 200,
) {
  const { db } = c.get("deps");
  return render(
    c,
    <CommunitySettingsPage
      ctx={pageContext(c)}
      access={access}
      sections={enabledSections(db, access.group.id)}
      lifecycle={lifecycleSettingsFor(db, access.group, c.get("account")!)}
      memberServers={access.isPrivate ? memberServerSettings(db, access.group.id) : undefined}
      memberServersForm={memberServersForm}
    />,
    status,
  );
}

/** Community settings, for its facilitators (and instance admins). */
export function settingsRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/c/:ref/settings", requireSignIn());

  app.get("/c/:ref/settings", (c) => {
    const access = communityAccess(c);
    if (!access?.group.isLocal) return communityNotFound(c);
    if (!access.canModerate) {
      return render(
        c,
        <ForbiddenPage
          ctx={pageContext(c)}
          message="Only this community's facilitators can change its settings."
        />,
        403,
      );
    }
    return settingsPage(c, access);
  });

  app.post("/c/:ref/settings/member-servers", requireSignIn(), async (c) => {
    const access = communityAccess(c);
    if (!access?.group.isLocal || !access.isPrivate) return communityNotFound(c);
    if (!access.canModerate) return notFacilitator(c);
    const f = await formFields(c);
    const typed = { mode: f["member-servers"] ?? "", allowed: f["allowed-servers"] ?? "" };
    try {
      const rule = setMemberServers(
        c.get("deps").db,
        access.group.id,
        c.get("account")!.actor.id,
        typed,
      );
      log.info("{who} set the servers {group} accepts members from to {mode} {allowed}", {
        who: c.get("account")!.actor.handle,
        group: access.group.handle,
        mode: rule.mode,
        allowed: rule.allowed,
      });
    } catch (error) {
      if (error instanceof ValidationError) {
        return settingsPage(c, access, { typed, errors: error.errors }, 422);
      }
      if (error instanceof ForbiddenError) return notFacilitator(c);
      throw error;
    }
    setFlash(c, "The community's settings have been saved.");
    return c.redirect(`${access.path}/settings`, 303);
  });

  app.post("/c/:ref/settings", async (c) => {
    const access = communityAccess(c);
    if (!access?.group.isLocal) return communityNotFound(c);
    if (!access.canModerate) {
      return render(
        c,
        <ForbiddenPage
          ctx={pageContext(c)}
          message="Only this community's facilitators can change its settings."
        />,
        403,
      );
    }
    const body = await c.req.parseBody({ all: true });
    const chosen = ([] as unknown[])
      .concat(body.sections ?? [])
      .filter((v): v is string => typeof v === "string");
    const on = setEnabledSections(c.get("deps").db, access.group.id, chosen);
    log.info("{who} set the sections of {group} to {sections}", {
      who: c.get("account")!.actor.handle,
      group: access.group.handle,
      sections: [...on],
    });
    setFlash(c, "The community's settings have been saved.");
    return c.redirect(access.path, 303);
  });
  return app;
}
