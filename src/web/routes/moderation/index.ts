import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { contentModerationRoutes } from "./content.tsx";
import { communityDetailsRoutes } from "./details.tsx";
import { memberModerationRoutes } from "./members.tsx";
import { modlogRoutes } from "./modlog.tsx";
import { reportQueueRoutes } from "./reports.tsx";

/** Everything facilitators do to run a community: members, content, details, the log and reports. */
export function moderationRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route("/", memberModerationRoutes());
  app.route("/", contentModerationRoutes());
  app.route("/", communityDetailsRoutes());
  app.route("/", modlogRoutes());
  app.route("/", reportQueueRoutes());
  return app;
}
