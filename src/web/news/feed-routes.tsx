import { type Context, Hono } from "hono";
import { ValidationError } from "../../domain/errors.ts";
import { findFeed, listFeeds, removeFeed } from "../../domain/news/feeds.ts";
import { refreshFeed } from "../../domain/news/refresh.ts";
import { addFeed } from "../../domain/news/subscribe.ts";
import { instanceFeedFetcher } from "../../federation/news-fetch.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { CommunityAccess } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { NotFoundPage } from "../views/errors.tsx";
import { manageableNews } from "./access.tsx";
import { AddFeedPage, ManageFeedsPage, RemoveFeedPage } from "./views/news-feeds-page.tsx";

type C = Context<AppEnv>;

const log = logger("web", "news");

/** The feed the path names, if it is one of this community's. */
function feedIn(c: C, access: CommunityAccess) {
  const id = Number(c.req.param("id"));
  return Number.isInteger(id) ? findFeed(c.get("deps").db, access.group.id, id) : undefined;
}

function feedNotFound(c: C) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="That news feed does not exist, or was removed." />,
    404,
  );
}

/** Facilitators' pages: the feed list, adding, refreshing and removing feeds. */
export function newsFeedRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/c/:ref/news/feeds", requireSignIn(), (c) => {
    const access = manageableNews(c);
    if (access instanceof Promise) return access;
    const feeds = listFeeds(c.get("deps").db, access.group.id);
    return render(c, <ManageFeedsPage ctx={pageContext(c)} access={access} feeds={feeds} />);
  });

  app.get("/c/:ref/news/feeds/new", requireSignIn(), (c) => {
    const access = manageableNews(c);
    if (access instanceof Promise) return access;
    return render(c, <AddFeedPage ctx={pageContext(c)} access={access} />);
  });

  app.post("/c/:ref/news/feeds/new", requireSignIn(), async (c) => {
    const access = manageableNews(c);
    if (access instanceof Promise) return access;
    const { db, config } = c.get("deps");
    const url = (await formFields(c)).url ?? "";
    try {
      const { feed, added } = await addFeed(
        db,
        { groupId: access.group.id, url, addedById: c.get("account")!.actor.id },
        instanceFeedFetcher(config),
        config.newsRefreshMinutes,
      );
      log.info("{who} added news feed {url} to {group}", {
        who: c.get("account")!.actor.handle,
        url: feed.url,
        group: access.group.handle,
      });
      setFlash(
        c,
        `${feed.title} has been added with ${added === 1 ? "1 entry" : `${added} entries`}.`,
      );
      return c.redirect(`${access.path}/news`, 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(
          c,
          <AddFeedPage ctx={pageContext(c)} access={access} url={url} errors={error.errors} />,
          422,
        );
      }
      throw error;
    }
  });

  app.post("/c/:ref/news/feeds/:id{[0-9]+}/refresh", requireSignIn(), async (c) => {
    const access = manageableNews(c);
    if (access instanceof Promise) return access;
    const feed = feedIn(c, access);
    if (!feed) return feedNotFound(c);
    const { db, config } = c.get("deps");
    const outcome = await refreshFeed(
      db,
      feed,
      instanceFeedFetcher(config),
      config.newsRefreshMinutes,
    );
    if (!outcome.ok) {
      return render(
        c,
        <ManageFeedsPage
          ctx={pageContext(c)}
          access={access}
          feeds={listFeeds(db, access.group.id)}
          notice={`${feed.title} could not be refreshed. ${outcome.error}`}
        />,
      );
    }
    setFlash(
      c,
      outcome.notModified
        ? `${feed.title} has not changed since it was last fetched.`
        : `${feed.title} has been refreshed: ${outcome.added === 1 ? "1 new entry" : `${outcome.added} new entries`}.`,
    );
    return c.redirect(`${access.path}/news/feeds`, 303);
  });

  app.get("/c/:ref/news/feeds/:id{[0-9]+}/remove", requireSignIn(), (c) => {
    const access = manageableNews(c);
    if (access instanceof Promise) return access;
    const feed = feedIn(c, access);
    if (!feed) return feedNotFound(c);
    return render(c, <RemoveFeedPage ctx={pageContext(c)} access={access} feed={feed} />);
  });

  app.post("/c/:ref/news/feeds/:id{[0-9]+}/remove", requireSignIn(), (c) => {
    const access = manageableNews(c);
    if (access instanceof Promise) return access;
    const feed = feedIn(c, access);
    if (!feed) return feedNotFound(c);
    removeFeed(c.get("deps").db, feed.id);
    setFlash(c, `${feed.title} has been removed.`);
    return c.redirect(`${access.path}/news/feeds`, 303);
  });

  return app;
}
