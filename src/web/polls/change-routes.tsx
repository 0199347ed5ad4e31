import { type Context, Hono } from "hono";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../domain/errors.ts";
import type { ItemRow } from "../../domain/items.ts";
import { deletePoll, editPoll, hasVotes, mayChangePoll } from "../../domain/polls/changes.ts";
import type { PollForm } from "../../domain/polls/form.ts";
import type { PollResults } from "../../domain/polls/polls.ts";
import { closePollEarly } from "../../federation/polls.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { CommunityAccess } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import type { FieldError } from "../views/components.tsx";
import { ForbiddenPage } from "../views/errors.tsx";
import { pollFormFrom, pollFormOf, pollIn, pollNotFound, readablePolls } from "./access.tsx";
import { showPoll } from "./page.tsx";
import { ClosePollPage, DeletePollPage } from "./views/poll-changes.tsx";
import { PollFormPage } from "./views/poll-form.tsx";

type C = Context<AppEnv>;

/** The poll the path names, with its page's path, once the viewer is known to manage it. */
interface Managed {
  access: CommunityAccess;
  item: ItemRow;
  results: PollResults;
  pollPath: string;
}

/**
 * Finds the poll to close, change or delete and checks the viewer may: a facilitator of its
 * community (or an admin); polls from other servers are changed only on their home server.
 */
function managed(c: C): Managed | Promise<Response> {
  const access = readablePolls(c);
  if (access instanceof Promise) return access;
  const found = pollIn(c, access);
  if (!found) return pollNotFound(c);
  if (!mayChangePoll(c.get("deps").db, found.item, c.get("account")!.actor.id)) {
    return refused(c, "Only the community's facilitators can change this poll.");
  }
  return { access, ...found, pollPath: `${access.path}/polls/${found.item.id}` };
}

function refused(c: C, message: string) {
  return render(c, <ForbiddenPage ctx={pageContext(c)} message={message} />, 403);
}

/** The poll's page, with why the change was not made at the top; nothing was changed. */
function notChanged(c: C, m: Managed, message: string) {
  return showPoll(c, m.access, m, { status: 409, notice: message });
}

/** The change form, as the poll stands or as typed, with any problems. */
function editForm(c: C, m: Managed, values: PollForm, errors: FieldError[] = []) {
  return render(
    c,
    <PollFormPage
      ctx={pageContext(c)}
      access={m.access}
      values={values}
      errors={errors}
      timeZone={c.get("deps").config.timeZone}
      editing={{ pollPath: m.pollPath }}
    />,
    errors.length > 0 ? 422 : 200,
  );
}

/** A facilitator closes a poll early, changes it before anyone votes, or deletes it. */
export function pollChangeRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/c/:ref/polls/:id{[0-9]+}/close", requireSignIn(), (c) => {
    const m = managed(c);
    if (m instanceof Promise) return m;
    if (m.results.closed) return notChanged(c, m, "This poll has already closed.");
    return render(
      c,
      <ClosePollPage
        ctx={pageContext(c)}
        access={m.access}
        item={m.item}
        voters={m.results.voters}
        pollPath={m.pollPath}
      />,
    );
  });

  app.post("/c/:ref/polls/:id{[0-9]+}/close", requireSignIn(), async (c) => {
    const m = managed(c);
    if (m instanceof Promise) return m;
    try {
      await closePollEarly(federationContext(c), m.item, c.get("account")!.actor.id);
    } catch (error) {
      if (error instanceof ConflictError) return notChanged(c, m, `${error.message}.`);
      if (error instanceof ForbiddenError) return refused(c, error.message);
      if (error instanceof NotFoundError) return pollNotFound(c);
      throw error;
    }
    setFlash(c, "The poll has been closed. Everyone can now see the results.");
    return c.redirect(m.pollPath, 303);
  });

  app.get("/c/:ref/polls/:id{[0-9]+}/delete", requireSignIn(), (c) => {
    const m = managed(c);
    if (m instanceof Promise) return m;
    return render(
      c,
      <DeletePollPage
        ctx={pageContext(c)}
        access={m.access}
        item={m.item}
        voters={m.results.voters}
        pollPath={m.pollPath}
      />,
    );
  });

  app.post("/c/:ref/polls/:id{[0-9]+}/delete", requireSignIn(), async (c) => {
    const m = managed(c);
    if (m instanceof Promise) return m;
    try {
      const deleted = deletePoll(c.get("deps").db, m.item, c.get("account")!.actor.id);
      await publishItemChange(federationContext(c), deleted, "delete");
    } catch (error) {
      if (error instanceof ForbiddenError) return refused(c, error.message);
      if (error instanceof NotFoundError) return pollNotFound(c);
      throw error;
    }
    setFlash(c, "The poll has been deleted.");
    return c.redirect(`${m.access.path}/polls`, 303);
  });

  // Once anyone has voted (or the poll has closed) the form is not offered; the poll page says
  // why. The same checks run again when the form comes back, inside the change itself.
  const unchangeable = (c: C, m: Managed): Response | Promise<Response> | null => {
    if (m.results.closed) {
      return notChanged(c, m, "This poll has closed, so it can no longer be changed.");
    }
    if (hasVotes(c.get("deps").db, m.item.id)) {
      return notChanged(c, m, "People have voted in this poll, so it can no longer be changed.");
    }
    return null;
  };

  app.get("/c/:ref/polls/:id{[0-9]+}/edit", requireSignIn(), (c) => {
    const m = managed(c);
    if (m instanceof Promise) return m;
    const timeZone = c.get("deps").config.timeZone;
    return unchangeable(c, m) ?? editForm(c, m, pollFormOf(m.item, m.results, timeZone));
  });

  app.post("/c/:ref/polls/:id{[0-9]+}/edit", requireSignIn(), async (c) => {
    const m = managed(c);
    if (m instanceof Promise) return m;
    const { db, config } = c.get("deps");
    const values = pollFormFrom(await formFields(c));
    try {
      const edited = editPoll(db, m.item, c.get("account")!.actor.id, {
        form: values,
        timeZone: config.timeZone,
      });
      await publishItemChange(federationContext(c), edited, "update");
    } catch (error) {
      if (error instanceof ValidationError) return editForm(c, m, values, error.errors);
      if (error instanceof ConflictError) return notChanged(c, m, `${error.message}.`);
      if (error instanceof ForbiddenError) return refused(c, error.message);
      if (error instanceof NotFoundError) return pollNotFound(c);
      throw error;
    }
    setFlash(c, "Your changes to the poll have been saved.");
    return c.redirect(m.pollPath, 303);
  });

  return app;
}
