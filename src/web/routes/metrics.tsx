import { type Context, Hono } from "hono";
import { toCsv } from "../../domain/metrics/csv.ts";
import { communityCsvRows, instanceCsvRows, isoDay } from "../../domain/metrics/export.ts";
import { communityMetrics, instanceMetrics, metricsPeriod } from "../../domain/metrics/report.ts";
import { adminOnly } from "../admin-access.tsx";
import { requireSignIn } from "../auth.ts";
import { type CommunityAccess, communityAccess, communityNotFound } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage, NotFoundPage } from "../views/errors.tsx";
import {
  CommunityMetricsPage,
  INSTANCE_METRICS_PATH,
  InstanceMetricsPage,
} from "../views/pages/metrics.tsx";

type C = Context<AppEnv>;

/** Answers with a CSV file to download; never kept by shared caches (the figures are private). */
function csvResponse(c: C, csv: string, fileName: string): Response {
  return c.body(csv, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9_.-]/g, "_")}"`,
    "Cache-Control": "private, no-store",
  });
}

/** The period the page was asked for (`?period=`); an unknown one shows the default. */
function periodOf(c: C) {
  return metricsPeriod(c.req.query("period"));
}

/**
 * The community whose metrics the path asks for, when the viewer may see them: a local
 * community, seen by one of its facilitators or an admin. Otherwise the response to send.
 */
function metricsAccess(c: C): CommunityAccess | Promise<Response> {
  const access = communityAccess(c);
  if (!access) return communityNotFound(c);
  if (!access.group.isLocal) {
    return render(
      c,
      <NotFoundPage
        ctx={pageContext(c)}
        message={`Metrics are kept by the server that hosts ${access.group.name}.`}
      />,
      404,
    );
  }
  if (!access.canModerate) {
    return render(
      c,
      <ForbiddenPage
        ctx={pageContext(c)}
        message={`Only facilitators of ${access.group.name} and administrators can see its metrics.`}
      />,
      403,
    );
  }
  return access;
}

/** Metrics pages and CSV downloads for each local community and for the whole instance. */
export function metricsRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/c/:ref/metrics", requireSignIn());
  app.use("/c/:ref/metrics.csv", requireSignIn());
  app.use(INSTANCE_METRICS_PATH, requireSignIn(), adminOnly());
  app.use(`${INSTANCE_METRICS_PATH}.csv`, requireSignIn(), adminOnly());

  app.get("/c/:ref/metrics", (c) => {
    const access = metricsAccess(c);
    if (access instanceof Promise) return access;
    const report = communityMetrics(c.get("deps").db, access.group.id, Date.now(), periodOf(c));
    return render(c, <CommunityMetricsPage ctx={pageContext(c)} access={access} report={report} />);
  });

  app.get("/c/:ref/metrics.csv", (c) => {
    const access = metricsAccess(c);
    if (access instanceof Promise) return access;
    const report = communityMetrics(c.get("deps").db, access.group.id, Date.now(), periodOf(c));
    return csvResponse(
      c,
      toCsv(communityCsvRows(report)),
      `${access.group.handle}-metrics-${isoDay(report.at)}.csv`,
    );
  });

  app.get(INSTANCE_METRICS_PATH, (c) => {
    const report = instanceMetrics(c.get("deps").db, Date.now(), periodOf(c));
    return render(c, <InstanceMetricsPage ctx={pageContext(c)} report={report} />);
  });

  app.get(`${INSTANCE_METRICS_PATH}.csv`, (c) => {
    const report = instanceMetrics(c.get("deps").db, Date.now(), periodOf(c));
    const host = new URL(c.get("deps").config.origin).hostname;
    return csvResponse(
      c,
      toCsv(instanceCsvRows(report)),
      `${host}-metrics-${isoDay(report.at)}.csv`,
    );
  });
  return app;
}
