import { Hono } from "hono";
import { listEntries, listFeeds } from "../../domain/news/feeds.ts";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { readableNews } from "./access.tsx";
import { newsFeedRoutes } from "./feed-routes.tsx";
import { NewsPage } from "./views/news-page.tsx";

const PAGE_SIZE = 20;

/** A community's News page, and (for facilitators) managing its feeds. */
export function newsRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/c/:ref/news", (c) => {
    const access = readableNews(c);
    if (access instanceof Promise) return access;
    const { db } = c.get("deps");
    const feeds = listFeeds(db, access.group.id);
    // An id that names none of this community's feeds shows all of them rather than an error:
    // it is most likely a feed that was removed since the link was made.
    const asked = Number.parseInt(c.req.query("feed") ?? "", 10);
    const feedId = feeds.some((f) => f.id === asked) ? asked : undefined;
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const { entries, total } = listEntries(db, access.group.id, {
      feedId,
      page,
      pageSize: PAGE_SIZE,
    });
    return render(
      c,
      <NewsPage
        ctx={pageContext(c)}
        access={access}
        feeds={feeds}
        feedId={feedId}
        entries={entries}
        total={total}
        page={page}
        pageSize={PAGE_SIZE}
      />,
    );
  });

  app.route("/", newsFeedRoutes());
  return app;
}
