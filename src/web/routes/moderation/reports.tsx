import { type Context, Hono } from "hono";
import { findCommunityByActorId } from "../../../domain/communities.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../../domain/errors.ts";
import { reportDetails } from "../../../domain/moderation/report-details.ts";
import {
  dismissReport,
  getReport,
  listReports,
  mayHandleReport,
  type ReportRow,
  type ReportState,
} from "../../../domain/moderation/reports.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import { adminOnly } from "../../admin-access.tsx";
import { requireSignIn, setFlash } from "../../auth.ts";
import type { AppEnv } from "../../env.ts";
import { formFields } from "../../forms.ts";
import { pageContext, render } from "../../render.ts";
import type { FieldError } from "../../views/components.tsx";
import { NotFoundPage } from "../../views/errors.tsx";
import { ReportPage, ReportQueuePage } from "../../views/pages/moderation/reports.tsx";
import { moderated, refusedPage } from "./access.tsx";

type C = Context<AppEnv>;
const PAGE_SIZE = 50;
const ADMIN_QUEUE = "/admin/reports";

function stateOf(c: C): ReportState {
  const s = c.req.query("state");
  return s === "resolved" || s === "dismissed" ? s : "open";
}

/** The path of a local community's pages, where its moderation pages are. */
function localCommunityPath(c: C, report: ReportRow): string | undefined {
  if (report.groupId === null) return undefined;
  const community = findCommunityByActorId(c.get("deps").db, report.groupId);
  return community ? communityPagePath(community.actor.handle) : undefined;
}

/** The report the path names, if the viewer may handle it and it belongs to this queue. */
function reportFor(c: C, groupId: number | null): ReportRow | Promise<Response> {
  const { db } = c.get("deps");
  const report = getReport(db, Number(c.req.param("id")));
  const inQueue = report && (groupId === null || report.groupId === groupId);
  if (!report || !inQueue) {
    return render(c, <NotFoundPage ctx={pageContext(c)} message="There is no such report." />, 404);
  }
  if (!mayHandleReport(db, report, c.get("account")!.actor.id)) {
    return refusedPage(c, "Only the community's facilitators can see this report.");
  }
  return report;
}

function reportPage(c: C, report: ReportRow, queue: string, note = "", errors: FieldError[] = []) {
  const [d] = reportDetails(c.get("deps").db, [report]);
  return render(
    c,
    <ReportPage
      ctx={pageContext(c)}
      d={d!}
      communityPath={localCommunityPath(c, report)}
      queue={queue}
      note={note}
      errors={errors}
    />,
    errors.length > 0 ? 422 : 200,
  );
}

/** Dismisses a report with the note from the form, or shows the form again with the problem. */
async function dismiss(c: C, report: ReportRow, queue: string) {
  const note = (await formFields(c)).note ?? "";
  try {
    dismissReport(c.get("deps").db, { report, byActorId: c.get("account")!.actor.id, note });
  } catch (error) {
    if (error instanceof ForbiddenError) return refusedPage(c, error.message);
    if (error instanceof ValidationError) return reportPage(c, report, queue, note, error.errors);
    if (error instanceof NotFoundError) {
      return reportPage(c, report, queue, note, [{ field: "note", message: error.message }]);
    }
    throw error;
  }
  setFlash(c, "The report has been dismissed.");
  return c.redirect(queue, 303);
}

/** Report queues: each community's for its facilitators, and every one for administrators. */
export function reportQueueRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/c/:ref/reports", requireSignIn());
  app.use("/c/:ref/reports/*", requireSignIn());
  for (const path of [ADMIN_QUEUE, `${ADMIN_QUEUE}/*`]) app.use(path, requireSignIn(), adminOnly());

  app.get("/c/:ref/reports", (c) => {
    const found = moderated(c);
    if (found instanceof Promise) return found;
    const state = stateOf(c);
    const db = c.get("deps").db;
    const rows = listReports(db, {
      groupId: found.access.group.id,
      state,
      page: 1,
      pageSize: PAGE_SIZE,
    });
    return render(
      c,
      <ReportQueuePage
        ctx={pageContext(c)}
        title="Reports"
        caption={found.access.group.name}
        base={`${found.access.path}/reports`}
        backLink={found.access.path}
        state={state}
        reports={reportDetails(db, rows)}
      />,
    );
  });

  app.get("/c/:ref/reports/:id{[0-9]+}", (c) => {
    const found = moderated(c);
    if (found instanceof Promise) return found;
    const report = reportFor(c, found.access.group.id);
    return report instanceof Promise
      ? report
      : reportPage(c, report, `${found.access.path}/reports`);
  });

  app.post("/c/:ref/reports/:id{[0-9]+}/dismiss", async (c) => {
    const found = moderated(c);
    if (found instanceof Promise) return found;
    const report = reportFor(c, found.access.group.id);
    return report instanceof Promise ? report : dismiss(c, report, `${found.access.path}/reports`);
  });

  app.get(ADMIN_QUEUE, (c) => {
    const state = stateOf(c);
    const db = c.get("deps").db;
    const rows = listReports(db, { state, page: 1, pageSize: PAGE_SIZE });
    return render(
      c,
      <ReportQueuePage
        ctx={pageContext(c)}
        title="Reports in every community"
        caption="Administration"
        base={ADMIN_QUEUE}
        backLink="/admin"
        state={state}
        reports={reportDetails(db, rows)}
        showCommunity
      />,
    );
  });

  app.get(`${ADMIN_QUEUE}/:id{[0-9]+}`, (c) => {
    const report = reportFor(c, null);
    return report instanceof Promise ? report : reportPage(c, report, ADMIN_QUEUE);
  });

  app.post(`${ADMIN_QUEUE}/:id{[0-9]+}/dismiss`, (c) => {
    const report = reportFor(c, null);
    return report instanceof Promise ? report : dismiss(c, report, ADMIN_QUEUE);
  });

  return app;
}
