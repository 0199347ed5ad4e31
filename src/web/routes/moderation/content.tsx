import { type Context, Hono } from "hono";
import { getItem, groupsOfItem, type ItemRow } from "../../../domain/items.ts";
import { itemPagePath } from "../../../domain/paths.ts";
import { lockTopic, moderateItem, pinTopic } from "../../../federation/moderation.ts";
import { requireSignIn, setFlash } from "../../auth.ts";
import type { AppEnv } from "../../env.ts";
import { federationContext } from "../../federation.ts";
import { formFields } from "../../forms.ts";
import { pageContext, render } from "../../render.ts";
import type { FieldError } from "../../views/components.tsx";
import { NotFoundPage } from "../../views/errors.tsx";
import { ItemBody } from "../../views/pages/items.tsx";
import { ModerationActionPage } from "../../views/pages/moderation/action-form.tsx";
import { doneMessage, formProblems, type Moderated, moderated } from "./access.tsx";

type C = Context<AppEnv>;
type ItemVerb = "remove" | "restore" | "lock" | "unlock" | "pin" | "unpin";

/** What each content action's confirmation page says. */
const VERBS: Record<
  ItemVerb,
  { heading: string; explain: string; button: string; destructive: boolean; done: string }
> = {
  remove: {
    heading: "Remove this post?",
    explain:
      "Nobody but its author and the facilitators will see it, here or on other servers. Its author sees your reason. You can restore it later.",
    button: "Remove post",
    destructive: true,
    done: "The post has been removed.",
  },
  restore: {
    heading: "Restore this post?",
    explain: "Everyone who could see it before will see it again.",
    button: "Restore post",
    destructive: false,
    done: "The post has been restored.",
  },
  lock: {
    heading: "Lock this topic?",
    explain: "Nobody will be able to reply to it until it is unlocked. Existing replies stay.",
    button: "Lock topic",
    destructive: true,
    done: "The topic has been locked.",
  },
  unlock: {
    heading: "Unlock this topic?",
    explain: "Members will be able to reply to it again.",
    button: "Unlock topic",
    destructive: false,
    done: "The topic has been unlocked.",
  },
  pin: {
    heading: "Pin this topic?",
    explain: "It will be shown first in the forum, marked as pinned.",
    button: "Pin topic",
    destructive: false,
    done: "The topic has been pinned.",
  },
  unpin: {
    heading: "Unpin this topic?",
    explain: "It will take its usual place in the forum again.",
    button: "Unpin topic",
    destructive: false,
    done: "The topic has been unpinned.",
  },
};

function isVerb(raw: string | undefined): raw is ItemVerb {
  return raw !== undefined && Object.hasOwn(VERBS, raw);
}

/** The page an item is shown on, where the facilitator returns after acting. */
function pageOf(c: C, item: ItemRow, found: Moderated): string {
  const root =
    item.rootId && item.rootId !== item.id ? getItem(c.get("deps").db, item.rootId) : undefined;
  return itemPagePath(item, found.access.group, root?.kind ?? "topic");
}

/** Removing and restoring any item, locking and pinning topics: each with a confirmation page. */
export function contentModerationRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/c/:ref/moderation/*", requireSignIn());

  function target(c: C) {
    const found = moderated(c, { remote: true });
    if (found instanceof Promise) return found;
    const verb = c.req.param("verb");
    const { db } = c.get("deps");
    const item = getItem(db, Number(c.req.param("id")));
    const inGroup =
      item &&
      !item.deletedAt &&
      groupsOfItem(db, item.id).some((g) => g.id === found.access.group.id);
    if (!isVerb(verb) || !item || !inGroup) {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c)} message="There is no such post in this community." />,
        404,
      );
    }
    return { ...found, verb, item };
  }

  function form(
    c: C,
    t: Moderated & { verb: ItemVerb; item: ItemRow },
    values = {},
    errors: FieldError[] = [],
  ) {
    const v = VERBS[t.verb];
    return render(
      c,
      <ModerationActionPage
        ctx={pageContext(c)}
        communityName={t.access.group.name}
        heading={v.heading}
        explanation={
          <>
            <p class="govuk-body">{v.explain}</p>
            {t.item.title ? (
              <p class="govuk-body govuk-!-font-weight-bold">{t.item.title}</p>
            ) : null}
            <div class="govuk-inset-text">
              <ItemBody item={t.item} />
            </div>
          </>
        }
        action={`${t.access.path}/moderation/items/${t.item.id}/${t.verb}`}
        cancel={pageOf(c, t.item, t)}
        button={v.button}
        destructive={v.destructive}
        reasonOptional={t.verb === "pin" || t.verb === "unpin"}
        values={values}
        errors={errors}
      />,
      errors.length > 0 ? 422 : 200,
    );
  }

  app.get("/c/:ref/moderation/items/:id{[0-9]+}/:verb", (c) => {
    const t = target(c);
    return t instanceof Promise ? t : form(c, t);
  });

  app.post("/c/:ref/moderation/items/:id{[0-9]+}/:verb", async (c) => {
    const t = target(c);
    if (t instanceof Promise) return t;
    const f = await formFields(c);
    const reason = f.reason ?? "";
    const input = { group: t.access.group, item: t.item, byActorId: t.actorId, reason };
    const ctx = federationContext(c);
    try {
      if (t.verb === "remove" || t.verb === "restore") {
        await moderateItem(ctx, { ...input, remove: t.verb === "remove" });
      } else if (t.verb === "pin" || t.verb === "unpin") {
        await pinTopic(ctx, { ...input, pinned: t.verb === "pin" });
      } else {
        await lockTopic(ctx, { ...input, locked: t.verb === "lock" });
      }
    } catch (error) {
      const problems = formProblems(c, error);
      return problems instanceof Promise ? problems : form(c, t, { reason }, problems.errors);
    }
    setFlash(c, doneMessage(t.access, VERBS[t.verb].done));
    return c.redirect(pageOf(c, t.item, t), 303);
  });

  return app;
}
