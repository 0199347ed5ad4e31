import { type Context, Hono } from "hono";
import {
  acceptInvitation,
  findInvitation,
  INVITATION_DAYS,
  invitationPath,
  invite,
} from "../../../domain/account/invitations.ts";
import { ForbiddenError, ValidationError } from "../../../domain/errors.ts";
import { logger } from "../../../logging.ts";
import { adminOnly } from "../../admin-access.tsx";
import { requireSignIn, setFlash, signIn } from "../../auth.ts";
import { communityAccess, communityNotFound } from "../../community-access.tsx";
import type { AppEnv } from "../../env.ts";
import { formFields } from "../../forms.ts";
import { pageContext, render } from "../../render.ts";
import { ForbiddenPage } from "../../views/errors.tsx";
import {
  AcceptInvitationPage,
  InvitationProblemPage,
  InvitePage,
} from "../../views/pages/account/invitations.tsx";
import { ADMIN_PATH } from "../../views/pages/admin.tsx";
import { siteOf } from "./settings.tsx";

const log = logger("web", "invitations");

type C = Context<AppEnv>;

/** Where administrators invite people to the instance. */
export const ADMIN_INVITE_PATH = `${ADMIN_PATH}/invitations`;

/** Where a community's facilitators invite people into it, under its members list. */
export function communityInvitePath(communityPath: string): string {
  return `${communityPath}/people/invite`;
}

/** Keeps a token in the address bar from leaking to other sites through the Referer header. */
function noReferrer(c: C): void {
  c.header("Referrer-Policy", "no-referrer");
}

/** Sends an invitation from a form and shows the form again, with a banner or the errors. */
async function sendFromForm(
  c: C,
  target: { action: string; backLink: string; group: Parameters<typeof invite>[2]["group"] },
) {
  const typed = ((await formFields(c)).email ?? "").trim();
  const props = {
    ctx: pageContext(c),
    action: target.action,
    backLink: target.backLink,
    community: target.group?.name,
    validDays: INVITATION_DAYS,
  };
  try {
    const email = invite(c.get("deps").db, siteOf(c), {
      email: typed,
      inviter: c.get("account")!,
      group: target.group,
    });
    log.info("{who} invited someone to {where}", {
      who: c.get("account")!.actor.handle,
      where: target.group?.handle ?? "the instance",
    });
    return render(c, <InvitePage {...props} ctx={pageContext(c)} sent={email} />);
  } catch (error) {
    if (error instanceof ValidationError) {
      return render(c, <InvitePage {...props} email={typed} errors={error.errors} />, 422);
    }
    if (error instanceof ForbiddenError) {
      return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
    }
    throw error;
  }
}

/** Invitations: sending them (administrators, facilitators) and accepting them. */
export function invitationRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(ADMIN_INVITE_PATH, requireSignIn(), adminOnly());
  app.use("/c/:ref/people/invite", requireSignIn());

  const adminForm = (c: C) =>
    render(
      c,
      <InvitePage
        ctx={pageContext(c)}
        action={ADMIN_INVITE_PATH}
        backLink={`${ADMIN_PATH}/accounts`}
        validDays={INVITATION_DAYS}
      />,
    );
  app.get(ADMIN_INVITE_PATH, adminForm);
  app.post(ADMIN_INVITE_PATH, (c) =>
    sendFromForm(c, { action: ADMIN_INVITE_PATH, backLink: `${ADMIN_PATH}/accounts`, group: null }),
  );

  /** The community whose invite page this is, if the viewer runs it. */
  const runs = (c: C) => {
    const access = communityAccess(c);
    if (!access?.group.isLocal) return { refusal: communityNotFound(c) };
    if (!access.canModerate) {
      const message = "Only this community's facilitators can invite people into it.";
      return { refusal: render(c, <ForbiddenPage ctx={pageContext(c)} message={message} />, 403) };
    }
    return { access };
  };

  app.get("/c/:ref/people/invite", (c) => {
    const { access, refusal } = runs(c);
    if (!access) return refusal;
    return render(
      c,
      <InvitePage
        ctx={pageContext(c)}
        action={communityInvitePath(access.path)}
        backLink={`${access.path}/people`}
        community={access.group.name}
        validDays={INVITATION_DAYS}
      />,
    );
  });

  app.post("/c/:ref/people/invite", async (c) => {
    const { access, refusal } = runs(c);
    if (!access) return refusal;
    return sendFromForm(c, {
      action: communityInvitePath(access.path),
      backLink: `${access.path}/people`,
      group: access.group,
    });
  });

  app.get("/invite/:token", (c) => {
    noReferrer(c);
    const token = c.req.param("token");
    const open = findInvitation(c.get("deps").db, token);
    if (!open) return render(c, <InvitationProblemPage ctx={pageContext(c)} />, 404);
    return render(
      c,
      <AcceptInvitationPage
        ctx={pageContext(c)}
        action={invitationPath(token)}
        email={open.email}
        community={open.group?.name}
      />,
    );
  });

  app.post("/invite/:token", async (c) => {
    noReferrer(c);
    const { db, config } = c.get("deps");
    const token = c.req.param("token");
    const open = findInvitation(db, token);
    if (!open) return render(c, <InvitationProblemPage ctx={pageContext(c)} />, 404);
    const f = await formFields(c);
    const values = { name: f.name ?? "", handle: f.handle ?? "" };
    try {
      const account = await acceptInvitation(db, config.origin, token, {
        ...values,
        password: f.password ?? "",
      });
      if (!account) return render(c, <InvitationProblemPage ctx={pageContext(c)} />, 404);
      log.info("New account {handle} from an invitation", { handle: account.actor.handle });
      signIn(c, account.id);
      setFlash(
        c,
        open.group
          ? `Welcome! Your account is ready and you are a member of ${open.group.name}.`
          : "Welcome! Your account is ready.",
      );
      return c.redirect("/profile/edit", 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return render(
        c,
        <AcceptInvitationPage
          ctx={pageContext(c)}
          action={invitationPath(token)}
          email={open.email}
          community={open.group?.name}
          values={values}
          errors={error.errors}
        />,
        422,
      );
    }
  });

  return app;
}
