import { type Context, Hono } from "hono";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../domain/errors.ts";
import { blankPollForm } from "../../domain/polls/form.ts";
import { composePoll, countPolls, listPolls, POLLS_PER_PAGE } from "../../domain/polls/polls.ts";
import { voteInPoll } from "../../federation/polls.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { requestedListPage } from "../list-paging.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage } from "../views/errors.tsx";
import { mayCreatePoll, pollFormFrom, pollIn, pollNotFound, readablePolls } from "./access.tsx";
import { pollChangeRoutes } from "./change-routes.tsx";
import { showPoll } from "./page.tsx";
import { PollFormPage } from "./views/poll-form.tsx";
import { PollsPage } from "./views/polls-page.tsx";

type C = Context<AppEnv>;

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

/** A community's polls: list, create (facilitators), one poll, voting, and changes. */
export function pollRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route("/", pollChangeRoutes());

  app.get("/c/:ref/polls", (c) => {
    const access = readablePolls(c);
    if (access instanceof Promise) return access;
    const { db } = c.get("deps");
    const now = new Date();
    // Open polls then closed ones, 50 a page across both.
    const totals = {
      open: countPolls(db, access.group.id, true, now),
      closed: countPolls(db, access.group.id, false, now),
    };
    const shown = requestedListPage(c, totals.open + totals.closed, POLLS_PER_PAGE);
    const { open, closed } = listPolls(db, access.group.id, { now, ...shown });
    return render(
      c,
      <PollsPage
        ctx={pageContext(c)}
        access={access}
        open={open}
        closed={closed}
        mayCreate={mayCreatePoll(c, access)}
        timeZone={c.get("deps").config.timeZone}
        now={now}
        totals={totals}
        page={shown.page}
        totalPages={shown.totalPages}
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
