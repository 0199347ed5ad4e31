import { type Context, Hono } from "hono";
import { getActor } from "../../../domain/actors.ts";
import { isFacilitator } from "../../../domain/membership.ts";
import { listMembersPage, type MemberFilter } from "../../../domain/moderation/members.ts";
import {
  banFromCommunity,
  changeFacilitator,
  removeFromCommunity,
  unbanFromCommunity,
} from "../../../federation/moderation.ts";
import { requireSignIn, setFlash } from "../../auth.ts";
import type { AppEnv } from "../../env.ts";
import { federationContext } from "../../federation.ts";
import { formFields } from "../../forms.ts";
import { pageContext, render } from "../../render.ts";
import type { FieldError } from "../../views/components.tsx";
import { NotFoundPage } from "../../views/errors.tsx";
import { ModerationActionPage } from "../../views/pages/moderation/action-form.tsx";
import { MembersPage } from "../../views/pages/moderation/members.tsx";
import { doneMessage, formProblems, type Moderated, moderated } from "./access.tsx";

type C = Context<AppEnv>;
type MemberVerb = "remove" | "ban" | "unban" | "appoint" | "dismiss";
const PAGE_SIZE = 25;

/** What each action's confirmation page says and does. */
const VERBS: Record<
  MemberVerb,
  {
    heading: (name: string) => string;
    explain: string;
    button: string;
    destructive: boolean;
    done: (name: string) => string;
  }
> = {
  remove: {
    heading: (n) => `Remove ${n} from the community?`,
    explain: "They stop being a member at once. They can ask to join again.",
    button: "Remove member",
    destructive: true,
    done: (n) => `${n} has been removed from the community.`,
  },
  ban: {
    heading: (n) => `Ban ${n}?`,
    explain:
      "They stop being a member and cannot post, vote, answer events, tag or ask to join again, from this or any other instance, until the ban ends.",
    button: "Ban",
    destructive: true,
    done: (n) => `${n} has been banned.`,
  },
  unban: {
    heading: (n) => `Lift the ban on ${n}?`,
    explain: "They will be able to ask to join again.",
    button: "Lift ban",
    destructive: false,
    done: (n) => `The ban on ${n} has been lifted.`,
  },
  appoint: {
    heading: (n) => `Make ${n} a facilitator?`,
    explain:
      "Facilitators approve members, remove posts, ban people and change the community's settings. Facilitators appointed earlier rank above them.",
    button: "Make facilitator",
    destructive: false,
    done: (n) => `${n} is now a facilitator.`,
  },
  dismiss: {
    heading: (n) => `Remove ${n} as a facilitator?`,
    explain: "They stay a member. You can only do this to facilitators appointed after you.",
    button: "Remove as facilitator",
    destructive: true,
    done: (n) => `${n} is no longer a facilitator.`,
  },
};

function isVerb(raw: string | undefined): raw is MemberVerb {
  return raw !== undefined && Object.hasOwn(VERBS, raw);
}

/** Days from the ban form's period field, or null for a ban until lifted. */
function banUntil(period: string | undefined): Date | null {
  const days = Number(period);
  return [1, 7, 30].includes(days) ? new Date(Date.now() + days * 86_400_000) : null;
}

/** The facilitators' members page and the actions on one member. */
export function memberModerationRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/c/:ref/members", requireSignIn());
  app.use("/c/:ref/members/*", requireSignIn());

  app.get("/c/:ref/members", (c) => {
    const found = moderated(c, { remote: true });
    if (found instanceof Promise) return found;
    const filter: MemberFilter = c.req.query("filter") === "banned" ? "banned" : "active";
    const query = (c.req.query("q") ?? "").slice(0, 100);
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const { members, total } = listMembersPage(c.get("deps").db, found.access.group.id, {
      filter,
      query,
      page,
      pageSize: PAGE_SIZE,
    });
    return render(
      c,
      <MembersPage
        ctx={pageContext(c)}
        group={found.access.group}
        path={found.access.path}
        filter={filter}
        query={query}
        members={members}
        total={total}
        page={page}
        pageSize={PAGE_SIZE}
        viewerId={found.actorId}
      />,
    );
  });

  /** The member and action the path names, once the viewer is known to moderate. */
  function target(c: C) {
    const found = moderated(c, { remote: true });
    if (found instanceof Promise) return found;
    const verb = c.req.param("verb");
    const member = getActor(c.get("deps").db, Number(c.req.param("id")));
    if (!isVerb(verb) || member?.type !== "Person") {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c)} message="There is no such person or action." />,
        404,
      );
    }
    return { ...found, verb, member };
  }

  function form(
    c: C,
    t: Moderated & { verb: MemberVerb; member: { id: number; name: string } },
    values = {},
    errors: FieldError[] = [],
  ) {
    const v = VERBS[t.verb];
    return render(
      c,
      <ModerationActionPage
        ctx={pageContext(c)}
        communityName={t.access.group.name}
        heading={v.heading(t.member.name)}
        explanation={<p class="govuk-body">{v.explain}</p>}
        action={`${t.access.path}/members/${t.member.id}/${t.verb}`}
        cancel={`${t.access.path}/members`}
        button={v.button}
        destructive={v.destructive}
        withBanFields={t.verb === "ban"}
        values={values}
        errors={errors}
      />,
      errors.length > 0 ? 422 : 200,
    );
  }

  app.get("/c/:ref/members/:id{[0-9]+}/:verb", (c) => {
    const t = target(c);
    return t instanceof Promise ? t : form(c, t);
  });

  app.post("/c/:ref/members/:id{[0-9]+}/:verb", async (c) => {
    const t = target(c);
    if (t instanceof Promise) return t;
    const f = await formFields(c);
    const values = {
      reason: f.reason ?? "",
      period: f.period,
      removeContent: f.removeContent === "yes",
    };
    const ctx = federationContext(c);
    const common = {
      group: t.access.group,
      target: t.member,
      byActorId: t.actorId,
      reason: values.reason,
    };
    try {
      if (t.verb === "remove") await removeFromCommunity(ctx, common);
      else if (t.verb === "unban") await unbanFromCommunity(ctx, common);
      else if (t.verb === "ban") {
        await banFromCommunity(ctx, {
          ...common,
          until: banUntil(f.period),
          removeContent: values.removeContent,
        });
      } else await changeFacilitator(ctx, { ...common, appoint: t.verb === "appoint" });
    } catch (error) {
      const problems = formProblems(c, error);
      return problems instanceof Promise ? problems : form(c, t, values, problems.errors);
    }
    setFlash(c, doneMessage(t.access, VERBS[t.verb].done(t.member.name)));
    // Someone who has just stepped down as facilitator cannot see the members page any more.
    const stillModerates =
      isFacilitator(c.get("deps").db, t.access.group.id, t.actorId) || c.get("account")!.isAdmin;
    return c.redirect(stillModerates ? `${t.access.path}/members` : t.access.path, 303);
  });

  return app;
}
