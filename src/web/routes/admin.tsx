import { Hono } from "hono";
import { adminOnly } from "../admin-access.tsx";
import { requireSignIn } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { ADMIN_PATH, AdminIndexPage } from "../views/pages/admin.tsx";
import { adminAccountRoutes } from "./admin/accounts.tsx";
import { adminCommunityRoutes } from "./admin/communities.tsx";
import { adminServerRoutes } from "./admin/servers.tsx";
import { adminMailRoutes } from "./admin-mail.tsx";
import { adminSitePageRoutes } from "./site-pages.tsx";

/** The instance's administration pages, for administrators only. */
export function adminRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const path of [ADMIN_PATH, `${ADMIN_PATH}/*`]) app.use(path, requireSignIn(), adminOnly());

  app.get(ADMIN_PATH, (c) => render(c, <AdminIndexPage ctx={pageContext(c)} />));
  app.route("/", adminMailRoutes());
  app.route("/", adminAccountRoutes());
  app.route("/", adminServerRoutes());
  app.route("/", adminCommunityRoutes());
  app.route("/", adminSitePageRoutes());
  return app;
}
