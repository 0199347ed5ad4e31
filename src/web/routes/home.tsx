import { Hono } from "hono";
import { listMembershipsOf } from "../../domain/membership.ts";
import { adminChecklist, profileChecklist, suggestCommunities } from "../../domain/onboarding.ts";
import { suggestPeople } from "../../domain/people-finder.ts";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { HomePage, type HomeStart } from "../views/pages/home.tsx";

/** The front page: an introduction, a start page for newcomers, or a person's communities. */
export function homeRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/", (c) => {
    const account = c.get("account");
    const { db, config } = c.get("deps");
    if (!account) return render(c, <HomePage ctx={pageContext(c)} memberships={[]} />);
    const me = account.actor.id;
    const memberships = listMembershipsOf(db, me);
    // A newcomer is someone in no community yet (isNewcomer), read from the list shown anyway.
    const newcomer = memberships.length === 0;
    const start: HomeStart = {
      newcomer,
      profile: profileChecklist(db, me),
      // Suggestions read every community's tags, so only those still looking get them.
      communities: newcomer ? suggestCommunities(db, me) : [],
      admin: account.isAdmin
        ? adminChecklist(db, {
            instanceName: config.instanceName,
            mailConfigured: config.smtpUrl !== undefined,
            registration: config.registration,
          })
        : [],
    };
    return render(
      c,
      <HomePage
        ctx={pageContext(c)}
        memberships={memberships}
        suggestions={suggestPeople(db, me)}
        start={start}
      />,
    );
  });
  return app;
}
