import { createHash, timingSafeEqual } from "node:crypto";
import { Hono, type MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { operationsFigures, readiness } from "../../domain/operations.ts";
import type { AppEnv } from "../env.ts";
import { exposition, type Family, type HttpMetrics } from "./prometheus.ts";

// Endpoints for the machines that watch an instance: /healthz (the process answers), /readyz
// (the database answers and the queue can be read) and /metrics (Prometheus text, behind a
// bearer token, and absent without one so nobody learns it exists).

/** Paths answered by the federation middleware rather than a route, grouped to a few labels. */
const FEDERATION_PREFIXES = ["/ap/", "/.well-known/", "/nodeinfo/"];

/** The label a request is counted under: its route's pattern, never its raw path. */
function routeLabel(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const responder = matchedRoutes(c)[c.req.routeIndex];
  if (responder && responder.method !== "ALL") return responder.path;
  // Raw paths would let anyone add series by asking for made-up addresses.
  const prefix = FEDERATION_PREFIXES.find((p) => c.req.path.startsWith(p));
  return prefix ? `${prefix}*` : "(other)";
}

/** Records every request's route, status and duration. */
export function httpMetricsMiddleware(metrics: HttpMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.observe(
        c.req.method,
        routeLabel(c),
        c.res.status,
        (performance.now() - started) / 1000,
      );
    }
  };
}

/** Compares tokens in constant time, by their digests so lengths need not match. */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** /healthz, /readyz and /metrics. */
export function opsRoutes(metrics: HttpMetrics): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/healthz", (c) => c.text("ok"));
  app.get("/readyz", async (c) => {
    const { db, queue } = c.get("deps");
    const state = readiness(db);
    // With the queue on PostgreSQL (COPSE_QUEUE_URL), that database must answer too.
    const problem = state.ready ? await queue?.problem() : state.problem;
    c.header("Cache-Control", "no-store");
    return problem === undefined ? c.text("ready") : c.text(`not ready: ${problem}`, 503);
  });
  app.get("/metrics", async (c) => {
    const { config, db, queue } = c.get("deps");
    if (!config.metricsToken) return c.text("Not Found", 404);
    const header = c.req.header("Authorization") ?? "";
    const given = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!given || !sameToken(given, config.metricsToken)) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return c.text("A valid bearer token is needed (COPSE_METRICS_TOKEN)", 401);
    }
    const figures = operationsFigures(db);
    // A queue database that does not answer shows as NaN, and the other figures still go out.
    const queueFigures = queue
      ? await queue.figures().catch(() => ({ depth: Number.NaN, oldestSeconds: Number.NaN }))
      : { depth: figures.queueDepth, oldestSeconds: figures.queueOldestSeconds };
    const gauge = (name: string, help: string, value: number): Family => ({
      name,
      help,
      type: "gauge",
      samples: [{ value }],
    });
    const body = exposition([
      ...metrics.families(),
      gauge(
        "copse_queue_depth",
        "Federation messages queued or being handled.",
        queueFigures.depth,
      ),
      gauge(
        "copse_queue_oldest_age_seconds",
        "Age of the oldest queued federation message.",
        queueFigures.oldestSeconds,
      ),
      {
        name: "copse_mail_outbox",
        help: "Outgoing mails by state (sent and failed are totals since the outbox began).",
        type: "gauge",
        samples: Object.entries(figures.mailByState).map(([state, value]) => ({
          labels: { state },
          value,
        })),
      },
      gauge(
        "copse_news_feeds_failing",
        "News feeds whose last refresh failed.",
        figures.newsFeedsFailing,
      ),
      gauge(
        "copse_news_feeds_flagged",
        "News feeds failing long enough to be flagged to facilitators.",
        figures.newsFeedsFlagged,
      ),
    ]);
    c.header("Cache-Control", "no-store");
    return c.body(body, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  return app;
}
