import { type Context, Hono } from "hono";
import { getActor } from "../../domain/actors.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../domain/errors.ts";
import type { ItemRow } from "../../domain/items.ts";
import { blankPollForm } from "../../domain/poll-form.ts";
import { mayVote, votesOf } from "../../domain/poll-votes.ts";
import { composePoll, listPolls, type PollResults } from "../../domain/polls.ts";
import { voteInPoll } from "../../federation/polls.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { CommunityAccess } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import {
  mayCreatePoll,
  pollFormFrom,
  pollIn,
  pollNotFound,
  readablePolls,
} from "../poll-access.tsx";
import { pageContext, render } from "../render.ts";
import type { FieldError } from "../views/components.tsx";
import { ForbiddenPage } from "../views/errors.tsx";
import { PollFormPage } from "../views/pages/poll-form.tsx";
import { PollPage, PollsPage, type VoteState } from "../views/pages/polls.tsx";
import { itemTagsData } from "../views/tags.tsx";

type C = Context<AppEnv>;

/** What the viewer may do about voting: vote, change, see their vote, or why they cannot. */
function voteState(
  c: C,
  item: ItemRow,
  results: PollResults,
  chosen: number[],
  form?: { change: boolean; chosen: number[]; errors: FieldError[] },
): VoteState {
  const viewer = c.get("account")?.actor;
  if (results.closed) return { kind: "closed" };
  if (!viewer) return { kind: "signed-out" };
  if (!mayVote(c.get("deps").db, item, viewer.id)) return { kind: "not-member" };
  if (form) return { kind: "form", ...form };
  // Votes sent to another server cannot be taken back there, so only local polls offer a change.
  const mayChange = item.isLocal;
  if (chosen.length === 0) return { kind: "form", change: false, chosen: [], errors: [] };
  if (mayChange && c.req.query("change") === "yes") {
    return { kind: "form", change: true, chosen, errors: [] };
  }
  return { kind: "voted", mayChange };
}

/** Renders a poll's page, optionally with the vote form as submitted or a notice. */
function showPoll(
  c: C,
  access: CommunityAccess,
  found: { item: ItemRow; results: PollResults },
  options: {
    status?: 200 | 409 | 422;
    notice?: string;
    form?: { change: boolean; chosen: number[]; errors: FieldError[] };
  } = {},
) {
  const { db, config } = c.get("deps");
  const viewer = c.get("account")?.actor;
  const { item, results } = found;
  const chosen = viewer ? votesOf(db, item.id, viewer.id).map((v) => v.optionId) : [];
  return render(
    c,
    <PollPage
      ctx={pageContext(c)}
      access={access}
      item={item}
      author={getActor(db, item.authorId)}
      results={results}
      state={voteState(c, item, results, chosen, options.form)}
      chosen={chosen}
      timeZone={config.timeZone}
      notice={options.notice}
      tags={itemTagsData(db, item, viewer?.id)}
    />,
    options.status ?? 200,
  );
}

/** The option ids a vote form sent (one radio, or any number of checkboxes). */
async function chosenOptions(c: C): Promise<{ ids: number[]; change: boolean }> {
  const body = await c.req.parseBody({ all: true });
  const raw = body.choice;
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (v): v is string => typeof v === "string",
  );
  // Anything that is not a whole number can match no option; -1 makes castVote say so.
  const ids = values.map((v) => (/^\d+$/.test(v) ? Number(v) : -1));
  return { ids, change: body.change === "yes" };
}

/** A community's polls: list, create (facilitators), one poll, and voting. */
export function pollRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/c/:ref/polls", (c) => {
    const access = readablePolls(c);
    if (access instanceof Promise) return access;
    const { open, closed } = listPolls(c.get("deps").db, access.group.id);
    return render(
      c,
      <PollsPage
        ctx={pageContext(c)}
        access={access}
        open={open}
        closed={closed}
        mayCreate={mayCreatePoll(c, access)}
        timeZone={c.get("deps").config.timeZone}
      />,
    );
  });

  const forbidden = (c: C) =>
    render(
      c,
      <ForbiddenPage
        ctx={pageContext(c)}
        message="Only the community's facilitators can create polls."
      />,
      403,
    );

  app.get("/c/:ref/polls/new", requireSignIn(), (c) => {
    const access = readablePolls(c);
    if (access instanceof Promise) return access;
    if (!mayCreatePoll(c, access)) return forbidden(c);
    return render(
      c,
      <PollFormPage
        ctx={pageContext(c)}
        access={access}
        values={blankPollForm()}
        timeZone={c.get("deps").config.timeZone}
      />,
    );
  });

  app.post("/c/:ref/polls/new", requireSignIn(), async (c) => {
    const access = readablePolls(c);
    if (access instanceof Promise) return access;
    if (!mayCreatePoll(c, access)) return forbidden(c);
    const { db, config } = c.get("deps");
    const values = pollFormFrom(await formFields(c));
    try {
      const item = composePoll(db, config.origin, {
        author: c.get("account")!.actor,
        groups: [access.group],
        form: values,
        timeZone: config.timeZone,
      });
      await publishItemChange(federationContext(c), item, "create");
      setFlash(c, "Your poll has been created.");
      return c.redirect(`${access.path}/polls/${item.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(
          c,
          <PollFormPage
            ctx={pageContext(c)}
            access={access}
            values={values}
            errors={error.errors}
            timeZone={config.timeZone}
          />,
          422,
        );
      }
      if (error instanceof ForbiddenError) return forbidden(c);
      throw error;
    }
  });

  app.get("/c/:ref/polls/:id{[0-9]+}", (c) => {
    const access = readablePolls(c);
    if (access instanceof Promise) return access;
    const found = pollIn(c, access);
    if (!found) return pollNotFound(c);
    return showPoll(c, access, found);
  });

  app.post("/c/:ref/polls/:id{[0-9]+}/vote", requireSignIn(), async (c) => {
    const access = readablePolls(c);
    if (access instanceof Promise) return access;
    const found = pollIn(c, access);
    if (!found) return pollNotFound(c);
    const { ids, change } = await chosenOptions(c);
    try {
      await voteInPoll(federationContext(c), found.item, c.get("account")!.actor, ids, change);
    } catch (error) {
      if (error instanceof ValidationError) {
        const chosen = ids.filter((id) => id > 0);
        return showPoll(c, access, found, {
          status: 422,
          form: { change, chosen, errors: error.errors },
        });
      }
      if (error instanceof ConflictError || error instanceof NotFoundError) {
        return showPoll(c, access, found, { status: 409, notice: error.message });
      }
      if (error instanceof ForbiddenError) {
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      }
      throw error;
    }
    setFlash(c, change ? "Your vote has been changed." : "Thank you. Your vote has been counted.");
    return c.redirect(`${access.path}/polls/${found.item.id}`, 303);
  });

  return app;
}
