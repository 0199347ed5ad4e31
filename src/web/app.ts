import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { withReadMemo } from "../db/read-memo.ts";
import { findLocalActor } from "../domain/actors.ts";
import { communityPagePath, personPagePath } from "../domain/paths.ts";
import { logger } from "../logging.ts";
import { csrfMiddleware, sessionMiddleware } from "./auth.ts";
import { blogRoutes } from "./blog/routes.tsx";
import { compressResponses } from "./compress.ts";
import { documentRoutes, documentUploadLimit, isDocumentUpload } from "./documents/routes.tsx";
import type { AppDeps, AppEnv } from "./env.ts";
import { eventRoutes } from "./events/routes.tsx";
import { federationMiddleware } from "./federation.ts";
import { forumRoutes } from "./forum/routes.tsx";
import { imageProxyRoutes } from "./images/proxy.ts";
import {
  addImageToText,
  imageUploadLimit,
  imageUploadRoutes,
  isImageUpload,
} from "./images/uploads.tsx";
import { inboxGuard, isInboxPost } from "./inbox-guard.ts";
import { newsRoutes } from "./news/routes.tsx";
import { HttpMetrics } from "./ops/prometheus.ts";
import { httpMetricsMiddleware, opsRoutes } from "./ops/routes.ts";
import { anonymousPageCache } from "./page-cache.ts";
import { pollRoutes } from "./polls/routes.tsx";
import { pageContext, render } from "./render.ts";
import { accountDeletionRoutes } from "./routes/account/deletion.tsx";
import { accountExportRoutes } from "./routes/account/export.ts";
import { invitationRoutes } from "./routes/account/invitations.tsx";
import { accountSettingsRoutes } from "./routes/account/settings.tsx";
import { adminRoutes } from "./routes/admin.tsx";
import { alertRoutes } from "./routes/alerts.tsx";
import { assetRoutes } from "./routes/assets.ts";
import { authRoutes } from "./routes/auth.tsx";
import { communityRoutes } from "./routes/communities.tsx";
import { contactRoutes } from "./routes/contacts.tsx";
import { feedRoutes } from "./routes/feeds.ts";
import { homeRoutes } from "./routes/home.tsx";
import { itemCommentRoutes } from "./routes/item-comments.tsx";
import { liveRoutes } from "./routes/live.tsx";
import { liveScriptRoutes } from "./routes/live-script.ts";
import { memberRoutes } from "./routes/members.tsx";
import { messageRoutes } from "./routes/messages.tsx";
import { metricsRoutes } from "./routes/metrics.tsx";
import { moderationRoutes } from "./routes/moderation/index.ts";
import { notificationRoutes } from "./routes/notifications.tsx";
import { oidcRoutes } from "./routes/oidc.tsx";
import { passwordResetRoutes } from "./routes/password-reset.tsx";
import { isPhotoUpload, peopleMediaRoutes, photoUploadLimit } from "./routes/people-media.ts";
import { preferenceRoutes } from "./routes/preferences.ts";
import { profileRoutes } from "./routes/profile.tsx";
import { remotePeopleRoutes } from "./routes/remote-people.tsx";
import { reportRoutes } from "./routes/reports.tsx";
import { searchRoutes } from "./routes/search.tsx";
import { settingsRoutes } from "./routes/settings.tsx";
import { setupRoutes } from "./routes/setup.tsx";
import { signUpRoutes } from "./routes/sign-up.tsx";
import { sitePageRoutes } from "./routes/site-pages.tsx";
import { subcommunityRoutes } from "./routes/subcommunities.tsx";
import { voteRoutes } from "./routes/votes.tsx";
import { NotFoundPage, ServerErrorPage } from "./views/errors.tsx";
import { wikiRoutes } from "./wiki/routes.tsx";

const log = logger("web");

/** Builds the whole HTTP application: federation endpoints first, then the web pages. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const httpMetrics = new HttpMetrics();

  // First, so the time counted includes everything else.
  app.use(httpMetricsMiddleware(httpMetrics));
  app.use(async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        // Pictures from other servers come through this server's image proxy
        // (src/web/images/proxy.ts), so no page loads one from elsewhere; data: carries no
        // request at all (the page's empty icon).
        imgSrc: ["'self'", "data:"],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      crossOriginResourcePolicy: false,
      // Routes that set their own, stricter headers keep them (file downloads).
      overwrite: false,
    }),
  );
  // Every body is capped before anything reads it. Document uploads are capped by
  // documentUploadLimit() below instead, at their own limit, as are profile photos and
  // writing forms carrying a picture, and inbox deliveries by
  // inboxGuard(), which also refuses JSON nested too deep before Fedify parses it.
  const formBodyLimit = bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    onError: (c) => c.text(`Request body too large (limit ${deps.config.maxBodyBytes} bytes)`, 413),
  });
  app.use((c, next) =>
    isDocumentUpload(c) || isPhotoUpload(c) || isImageUpload(c, isDocumentUpload) || isInboxPost(c)
      ? next()
      : formBodyLimit(c, next),
  );
  app.use(inboxGuard());
  // Pages, JSON and feeds shrink five- to tenfold with brotli or gzip (src/web/compress.ts);
  // live streams are never buffered and the stylesheet arrives already compressed.
  app.use(compressResponses());
  app.route("/", opsRoutes(httpMetrics));
  app.route("/", assetRoutes(deps.stylesheet));
  app.route("/", liveScriptRoutes());
  app.use(federationMiddleware());
  app.use(sessionMiddleware());
  app.use(documentUploadLimit());
  app.use(photoUploadLimit());
  app.use(imageUploadLimit(isDocumentUpload));
  app.use(csrfMiddleware());
  // A page request only reads, so the small questions it asks many times over (an item's
  // communities, the viewer's memberships) are answered once each (src/db/read-memo.ts).
  app.use((c, next) =>
    c.req.method === "GET" || c.req.method === "HEAD" ? withReadMemo(deps.db, next) : next(),
  );
  // After the session and CSRF token are known: visitors who are not signed in may get a page
  // kept from the last such visitor while the database is unchanged (src/web/page-cache.ts).
  app.use(anonymousPageCache());
  app.use(addImageToText());

  // Browsers that open an actor's id are sent to its page.
  app.get("/ap/actors/:handle", (c) => {
    const actor = findLocalActor(deps.db, c.req.param("handle"));
    if (!actor) return c.notFound();
    return c.redirect(
      actor.type === "Group" ? communityPagePath(actor.handle) : personPagePath(actor.handle),
      303,
    );
  });

  app.route("/", preferenceRoutes({ secureCookies: deps.config.origin.startsWith("https:") }));
  app.route("/", homeRoutes());
  app.route("/", authRoutes());
  app.route("/", oidcRoutes());
  app.route("/", signUpRoutes());
  app.route("/", passwordResetRoutes());
  app.route("/", accountSettingsRoutes());
  app.route("/", accountExportRoutes());
  app.route("/", accountDeletionRoutes());
  app.route("/", invitationRoutes());
  app.route("/", setupRoutes());
  app.route("/", remotePeopleRoutes());
  app.route("/", profileRoutes());
  app.route("/", contactRoutes());
  app.route("/", peopleMediaRoutes());
  app.route("/", imageUploadRoutes());
  app.route("/", imageProxyRoutes());
  app.route("/", communityRoutes());
  app.route("/", forumRoutes());
  app.route("/", memberRoutes());
  app.route("/", messageRoutes());
  app.route("/", searchRoutes());
  app.route("/", wikiRoutes());
  app.route("/", documentRoutes());
  app.route("/", eventRoutes());
  app.route("/", pollRoutes());
  app.route("/", itemCommentRoutes());
  app.route("/", voteRoutes());
  app.route("/", blogRoutes());
  // Before settingsRoutes, whose /c/:ref/settings* guard would otherwise answer first.
  app.route("/", moderationRoutes());
  app.route("/", reportRoutes());
  app.route("/", notificationRoutes());
  app.route("/", settingsRoutes());
  app.route("/", subcommunityRoutes());
  app.route("/", feedRoutes());
  app.route("/", adminRoutes());
  app.route("/", sitePageRoutes());
  app.route("/", alertRoutes());
  app.route("/", liveRoutes());
  app.route("/", newsRoutes());
  app.route("/", metricsRoutes());

  app.notFound((c) => render(c, NotFoundPage({ ctx: pageContext(c) }), 404));
  app.onError((error, c) => {
    log.error("Unhandled error on {method} {path}: {error}", {
      method: c.req.method,
      path: c.req.path,
      error,
    });
    return render(c, ServerErrorPage({ ctx: pageContext(c) }), 500);
  });
  return app;
}
