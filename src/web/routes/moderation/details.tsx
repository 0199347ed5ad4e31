import { Hono } from "hono";
import { ValidationError } from "../../../domain/errors.ts";
import { communitySettings, updateCommunitySettings } from "../../../domain/moderation/settings.ts";
import { publishGroupUpdate } from "../../../federation/group-update.ts";
import { requireSignIn, setFlash } from "../../auth.ts";
import type { AppEnv } from "../../env.ts";
import { federationContext } from "../../federation.ts";
import { formFields } from "../../forms.ts";
import { pageContext, render } from "../../render.ts";
import { CommunityDetailsPage } from "../../views/pages/moderation/details.tsx";
import { formProblems, moderated } from "./access.tsx";

/**
 * A community's name, description, rules and announcement-only setting, changed by its
 * facilitators after creation.
 */
export function communityDetailsRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/c/:ref/settings/details", requireSignIn());

  app.get("/c/:ref/settings/details", (c) => {
    const found = moderated(c);
    if (found instanceof Promise) return found;
    const values = communitySettings(c.get("deps").db, found.access.group.id);
    return render(
      c,
      <CommunityDetailsPage ctx={pageContext(c)} path={found.access.path} values={values} />,
    );
  });

  app.post("/c/:ref/settings/details", async (c) => {
    const found = moderated(c);
    if (found instanceof Promise) return found;
    const f = await formFields(c);
    const values = {
      name: f.name ?? "",
      description: f.description ?? "",
      rules: f.rules ?? "",
      announcementOnly: f.announcementOnly === "yes",
    };
    try {
      const community = updateCommunitySettings(c.get("deps").db, {
        ...values,
        groupId: found.access.group.id,
        byActorId: found.actorId,
      });
      // Remote members' servers refresh their copy of the Group, rules and
      // postingRestrictedToMods included.
      await publishGroupUpdate(federationContext(c), community.actor);
    } catch (error) {
      if (!(error instanceof ValidationError)) {
        const problems = formProblems(c, error);
        if (problems instanceof Promise) return problems;
      }
      const errors = error instanceof ValidationError ? error.errors : [];
      return render(
        c,
        <CommunityDetailsPage
          ctx={pageContext(c)}
          path={found.access.path}
          values={values}
          errors={errors}
        />,
        422,
      );
    }
    setFlash(c, "The community's details have been saved.");
    return c.redirect(found.access.path, 303);
  });
  return app;
}
