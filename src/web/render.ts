import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { type Child, jsx } from "hono/jsx";
import type { Db } from "../db/client.ts";
import { withReadMemo } from "../db/read-memo.ts";
import { siteOperator } from "../domain/admin/site-pages.ts";
import { unreadMessageCount } from "../domain/messages.ts";
import { unreadNotificationCount } from "../domain/notifications/reads.ts";
import { takeFlash } from "./auth.ts";
import { communityNavFor } from "./community-nav.ts";
import type { AppEnv } from "./env.ts";
import { faceLookup } from "./faces.ts";
import { rewritePageImages } from "./images/proxy.ts";
import { readTextSize } from "./routes/preferences.ts";
import { FacesContext } from "./views/avatar.tsx";
import type { PageContext } from "./views/layout.tsx";

/** Builds what every page's layout needs from the request. */
export function pageContext(c: Context<AppEnv>): PageContext {
  const { config, stylesheet } = c.get("deps");
  const account = c.get("account") ?? null;
  return {
    instanceName: config.instanceName,
    operator: siteOperator(c.get("deps").db),
    user: account
      ? { handle: account.actor.handle, name: account.actor.name, isAdmin: account.isAdmin }
      : null,
    csrfToken: c.get("csrfToken") ?? "",
    textSize: readTextSize(getCookie(c, "copse_text_size")),
    currentPath: pathWithQuery(c.req.url),
    stylesheetPath: `/assets/${stylesheet.fileName}`,
    flash: takeFlash(c),
    unreadMessages: account ? unreadMessageCount(c.get("deps").db, account.actor.id) : 0,
    unreadNotifications: account ? unreadNotificationCount(c.get("deps").db, account.actor.id) : 0,
    community: communityNavFor(c),
    imageUpload: c.get("imageUpload"),
  };
}

/** Renders a page with a status (200 unless a form error or a failure says otherwise). */
export async function render(
  c: Context<AppEnv>,
  page: Child,
  status: 200 | 400 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 500 = 200,
) {
  const { db, config } = c.get("deps");
  return c.html(await renderHtml(db, config.origin, page), status);
}

/**
 * The HTML of a page or of a fragment sent on its own (such as a live update), made as every
 * response is: avatars find their pictures, and pictures on other servers go through the image
 * proxy (the Content-Security-Policy would block them otherwise).
 */
export async function renderHtml(db: Db, origin: string, page: Child): Promise<string> {
  // Avatars find their pictures through the request's face look-up (src/web/views/avatar.tsx).
  const withFaces = jsx(FacesContext.Provider, { value: faceLookup(db) }, page);
  // The layout writes the doctype itself; toString() may be async when components are.
  // Rendering reads and never writes, so what it reads is remembered until it ends (a page
  // request has a window open already; a form showing its errors gets one from here).
  const body = await withReadMemo(db, () =>
    (withFaces as { toString(): string | Promise<string> }).toString(),
  );
  return rewritePageImages(db, origin, body);
}

/** The path and query of a URL, so forms that return here come back to the same view. */
function pathWithQuery(url: string): string {
  const { pathname, search } = new URL(url);
  return pathname + search;
}
