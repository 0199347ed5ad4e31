import { type Context, Hono } from "hono";
import { type ActorRow, getActor } from "../../domain/actors.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { canView, getItem, groupsOfItem, type ItemRow } from "../../domain/items.ts";
import { reportDetails } from "../../domain/moderation/report-details.ts";
import { reportsBy } from "../../domain/moderation/reports.ts";
import { reportToCommunity } from "../../federation/reports.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { type CommunityAccess, communityAccess, communityNotFound } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import type { FieldError } from "../views/components.tsx";
import { NotFoundPage } from "../views/errors.tsx";
import { ItemBody } from "../views/pages/items.tsx";
import { ReportFormPage, YourReportsPage } from "../views/pages/moderation/reports.tsx";

type C = Context<AppEnv>;

/** What the report form is about: a post the reporter can see, or a person. */
type Subject =
  | { access: CommunityAccess; item: ItemRow }
  | { access: CommunityAccess; person: ActorRow };

function notFound(c: C, message: string) {
  return render(c, <NotFoundPage ctx={pageContext(c)} message={message} />, 404);
}

/** Resolves the community and the post or person the path names, as the reporter may see them. */
function subjectOf(c: C): Subject | Promise<Response> {
  const access = communityAccess(c);
  if (!access) return communityNotFound(c);
  const { db } = c.get("deps");
  const viewer = c.get("account")!.actor.id;
  const id = Number(c.req.param("id"));
  if (c.req.param("what") === "item") {
    const item = getItem(db, id);
    // A post the reporter may not see is "not found", so that a report form leaks nothing.
    if (
      !item ||
      item.deletedAt ||
      !canView(db, item, viewer) ||
      !groupsOfItem(db, item.id).some((g) => g.id === access.group.id)
    ) {
      return notFound(c, "There is no such post in this community.");
    }
    return { access, item };
  }
  const person = getActor(db, id);
  if (person?.type !== "Person" || !access.canRead) return notFound(c, "There is no such person.");
  return { access, person };
}

function form(c: C, s: Subject, reason = "", errors: FieldError[] = []) {
  const isItem = "item" in s;
  return render(
    c,
    <ReportFormPage
      ctx={pageContext(c)}
      communityName={s.access.group.name}
      heading={isItem ? "Report this post" : `Report ${s.person.name}`}
      subject={
        isItem ? (
          <>
            {s.item.title ? (
              <p class="govuk-body govuk-!-font-weight-bold">{s.item.title}</p>
            ) : null}
            <ItemBody item={s.item} />
          </>
        ) : (
          <p class="govuk-body">
            {s.person.name} ({s.person.handle}@{s.person.host})
          </p>
        )
      }
      action={c.req.path}
      cancel={s.access.path}
      reason={reason}
      errors={errors}
    />,
    errors.length > 0 ? 422 : 200,
  );
}

/** Reporting a post or a member, and the reporter's own list of what came of their reports. */
export function reportRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/c/:ref/report/*", requireSignIn());
  app.use("/reports", requireSignIn());

  app.get("/c/:ref/report/:what{item|member}/:id{[0-9]+}", (c) => {
    const s = subjectOf(c);
    return s instanceof Promise ? s : form(c, s);
  });

  app.post("/c/:ref/report/:what{item|member}/:id{[0-9]+}", async (c) => {
    const s = subjectOf(c);
    if (s instanceof Promise) return s;
    const reason = (await formFields(c)).reason ?? "";
    try {
      await reportToCommunity(federationContext(c), {
        reporter: c.get("account")!.actor,
        group: s.access.group,
        itemId: "item" in s ? s.item.id : undefined,
        target: "person" in s ? s.person : undefined,
        reason,
      });
    } catch (error) {
      if (error instanceof ValidationError) return form(c, s, reason, error.errors);
      if (error instanceof NotFoundError) {
        return form(c, s, reason, [{ field: "reason", message: error.message }]);
      }
      throw error;
    }
    setFlash(c, "Thank you. The community's facilitators will look at your report.");
    return c.redirect("/reports", 303);
  });

  app.get("/reports", (c) => {
    const { db } = c.get("deps");
    const rows = reportsBy(db, c.get("account")!.actor.id);
    return render(c, <YourReportsPage ctx={pageContext(c)} reports={reportDetails(db, rows)} />);
  });

  return app;
}
