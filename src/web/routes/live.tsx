import { type Context, Hono } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { Db } from "../../db/client.ts";
import { accountForSession } from "../../domain/accounts.ts";
import {
  currentCursor,
  formatCursor,
  furthest,
  type LiveCursor,
  readCursor,
  sameCursor,
} from "../../domain/live/cursor.ts";
import { activityAfter, type LiveEntry, latestActivity } from "../../domain/live/stream.ts";
import { logger } from "../../logging.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { LiveHub, POLL_INTERVAL_MS } from "../live-hub.ts";
import { pageContext, render, renderHtml } from "../render.ts";
import { LiveEntryItem, LivePage } from "../views/pages/live.tsx";
import { LIVE_SCRIPT_PATH } from "./live-script.ts";

const log = logger("web", "live");

/** How many entries the page lists, and the most one live batch sends. */
const PAGE_ENTRIES = 50;
/** Open live streams one process serves at most; beyond that, readers use Refresh. */
const MAX_LIVE_CONNECTIONS = 200;
/** A comment line this often keeps proxies and browsers from closing an idle stream. */
const HEARTBEAT_MS = 20_000;
/** How long a browser waits before reconnecting a dropped stream. */
const RETRY_MS = 5_000;

/** "What's happening now": the page at /live and its server-sent event stream. */
export function liveRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // One hub per application, made on first use because the database arrives with the request.
  let hub: LiveHub | undefined;
  const hubFor = ({ db, queue }: AppDeps) => {
    hub ??= new LiveHub(db, POLL_INTERVAL_MS, queue?.live);
    return hub;
  };

  app.get("/live", (c) => {
    const { db } = c.get("deps");
    const snapshot = latestActivity(db, c.get("account")?.actor.id, PAGE_ENTRIES);
    c.header("Cache-Control", "private, no-cache");
    return render(
      c,
      <LivePage ctx={pageContext(c)} snapshot={snapshot} scriptPath={LIVE_SCRIPT_PATH} />,
    );
  });

  app.get("/live/events", (c) => {
    const { db } = c.get("deps");
    const shared = hubFor(c.get("deps"));
    if (shared.size >= MAX_LIVE_CONNECTIONS) {
      return c.text("Too many people are following live updates. Use Refresh instead.", 503, {
        "Retry-After": "60",
      });
    }
    // A browser reconnecting sends the id of the last event it had; a page resuming after a
    // pause or opening the stream passes its position as ?after=. With neither, start now.
    // Positions handed out before joins were streamed still resume (readCursor completes them).
    const start =
      readCursor(db, c.req.header("Last-Event-ID")) ??
      readCursor(db, c.req.query("after")) ??
      currentCursor(db);
    // Proxies such as nginx would otherwise hold events back until their buffer fills.
    c.header("X-Accel-Buffering", "no");
    return streamSSE(c, (stream) => follow(c, stream, shared, start));
  });

  return app;
}

/** The viewer's actor id now: a session signed out since the stream opened stops seeing more. */
function currentViewer(db: Db, sessionToken: string | null): number | null {
  return sessionToken ? (accountForSession(db, sessionToken)?.actor.id ?? null) : null;
}

/**
 * Renders one entry as the HTML fragment the page's script inserts, exactly as the page itself
 * renders it (faces, and remote pictures through the image proxy).
 */
function fragment(c: Context<AppEnv>, entry: LiveEntry): Promise<string> {
  const { db, config } = c.get("deps");
  return renderHtml(db, config.origin, <LiveEntryItem entry={entry} />);
}

/**
 * Serves one connection until it closes: sends what the viewer may see since `start`, then
 * waits for the hub to say something new was stored (or for the heartbeat) and repeats.
 * Visibility is checked at send time, for the viewer as they are at that moment.
 */
async function follow(
  c: Context<AppEnv>,
  stream: SSEStreamingApi,
  hub: LiveHub,
  start: LiveCursor,
): Promise<void> {
  const { db } = c.get("deps");
  const sessionToken = c.get("sessionToken");
  let position = start;
  let pending = true;
  let wake: (() => void) | null = null;
  const unsubscribe = hub.subscribe(() => {
    pending = true;
    wake?.();
  });
  stream.onAbort(() => wake?.());
  try {
    await stream.write(`retry: ${RETRY_MS}\n\n`);
    while (!stream.aborted && !stream.closed) {
      if (pending) {
        pending = false;
        position = await sendNew(c, stream, currentViewer(db, sessionToken), position);
        continue;
      }
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          wake = null;
          resolve(false);
        }, HEARTBEAT_MS);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          resolve(true);
        };
      });
      if (!woken && !stream.aborted) await stream.write(": heartbeat\n\n");
    }
  } catch (error) {
    // Logged here rather than sent: an error's text is no business of the reader's. The
    // stream then ends and the browser reconnects from its last event.
    log.warn("Live stream failed: {error}", { error });
  } finally {
    unsubscribe();
  }
}

/** Sends the viewer's new entries after `after`, oldest first; returns the position reached. */
async function sendNew(
  c: Context<AppEnv>,
  stream: SSEStreamingApi,
  viewerId: number | null,
  after: LiveCursor,
): Promise<LiveCursor> {
  const { db } = c.get("deps");
  const upTo = furthest(after, currentCursor(db));
  if (sameCursor(after, upTo)) return after;
  for (const entry of activityAfter(db, viewerId, after, upTo, PAGE_ENTRIES)) {
    if (stream.aborted) return after;
    await stream.writeSSE({
      event: "entry",
      id: formatCursor(entry.cursor),
      data: await fragment(c, entry),
    });
  }
  // Rows the viewer may not see are passed over for good, so later polls start past them.
  return upTo;
}
