import { Hono } from "hono";
import { listMembershipsOf } from "../../domain/membership.ts";
import { suggestPeople } from "../../domain/people-finder.ts";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { HomePage } from "../views/pages/home.tsx";

/** The front page. */
export function homeRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/", (c) => {
    const account = c.get("account");
    const memberships = account ? listMembershipsOf(c.get("deps").db, account.actor.id) : [];
    const suggestions = account ? suggestPeople(c.get("deps").db, account.actor.id) : [];
    return render(
      c,
      <HomePage ctx={pageContext(c)} memberships={memberships} suggestions={suggestions} />,
    );
  });
  return app;
}
