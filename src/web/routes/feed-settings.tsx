import { Hono } from "hono";
import { privateFeedCommunities } from "../../domain/feeds/private-communities.ts";
import { feedTokenFor, replaceFeedToken } from "../../domain/feeds/tokens.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { FEED_SETTINGS_PATH } from "../views/feed-links.tsx";
import { FeedSettingsPage, REVOKE_FEEDS_PATH } from "../views/pages/feed-settings.tsx";

const log = logger("web", "feeds");

/** "Your feed links": a person's private feed addresses, and revoking them. */
export function feedSettingsRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(`${FEED_SETTINGS_PATH}/*`, requireSignIn());
  app.use(FEED_SETTINGS_PATH, requireSignIn());

  app.get(FEED_SETTINGS_PATH, (c) => {
    const { db, config } = c.get("deps");
    const { actor } = c.get("account")!;
    return render(
      c,
      <FeedSettingsPage
        ctx={pageContext(c)}
        origin={config.origin}
        token={feedTokenFor(db, actor.id)}
        person={{ handle: actor.handle, name: actor.name }}
        communities={privateFeedCommunities(db, actor.id)}
      />,
    );
  });

  app.post(REVOKE_FEEDS_PATH, (c) => {
    const { actor } = c.get("account")!;
    replaceFeedToken(c.get("deps").db, actor.id);
    log.info("{handle} revoked their feed links", { handle: actor.handle });
    setFlash(c, "Your old feed links have stopped working. These are your new ones.");
    return c.redirect(FEED_SETTINGS_PATH, 303);
  });

  return app;
}
