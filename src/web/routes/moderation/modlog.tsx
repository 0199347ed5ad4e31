import { Hono } from "hono";
import { listModerationLog } from "../../../domain/moderation/log.ts";
import { communityAccess, communityNotFound, membersOnly } from "../../community-access.tsx";
import type { AppEnv } from "../../env.ts";
import { pageContext, render } from "../../render.ts";
import { ModerationLogPage } from "../../views/pages/moderation/modlog.tsx";

const PAGE_SIZE = 50;

/** A community's moderation log: public for public communities, members-only for private ones. */
export function modlogRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/c/:ref/modlog", (c) => {
    const access = communityAccess(c);
    if (!access?.group.isLocal) return communityNotFound(c);
    if (!access.canRead) return membersOnly(c, access);
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const { entries, total } = listModerationLog(c.get("deps").db, access.group.id, {
      page,
      pageSize: PAGE_SIZE,
    });
    return render(
      c,
      <ModerationLogPage
        ctx={pageContext(c)}
        group={access.group}
        path={access.path}
        entries={entries}
        total={total}
        page={page}
        pageSize={PAGE_SIZE}
      />,
    );
  });
  return app;
}
