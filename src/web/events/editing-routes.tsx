import { type Context, Hono } from "hono";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import {
  blankEventForm,
  composeEvent,
  type EventForm,
  type EventRow,
  editEvent,
} from "../../domain/events/events.ts";
import { canModerate, deleteItem, type ItemRow } from "../../domain/items.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { type CommunityAccess, membersOnly, threadRefusal } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import type { FieldError } from "../views/components.tsx";
import { ForbiddenPage } from "../views/errors.tsx";
import {
  eventFormFrom,
  eventFormOf,
  eventIn,
  eventNotFound,
  readableCommunity,
} from "./access.tsx";
import { DeleteEventPage, EventFormPage } from "./views/event-form.tsx";

type C = Context<AppEnv>;

/** The add or change form, with what was typed and any problems. */
function formPage(
  c: C,
  access: CommunityAccess,
  options: { item?: ItemRow; values: EventForm; errors?: FieldError[] },
) {
  const { item } = options;
  const base = `${access.path}/events`;
  return render(
    c,
    <EventFormPage
      ctx={pageContext(c)}
      access={access}
      action={item ? `${base}/${item.id}/edit` : `${base}/new`}
      heading={item ? "Change event" : "Add an event"}
      submit={item ? "Save changes" : "Add event"}
      values={options.values}
      errors={options.errors}
      cancel={item ? `${base}/${item.id}` : base}
    />,
    options.errors && options.errors.length > 0 ? 422 : 200,
  );
}

/**
 * Finds the event to change or delete and checks the viewer may: its author, a facilitator
 * of the community, or an admin; copies of events from other servers change only there.
 */
function changeable(
  c: C,
): { access: CommunityAccess; item: ItemRow; event: EventRow } | Promise<Response> {
  const access = readableCommunity(c);
  if (access instanceof Promise) return access;
  const found = eventIn(c, access);
  if (!found) return eventNotFound(c);
  if (
    !found.item.isLocal ||
    !canModerate(c.get("deps").db, found.item, c.get("account")!.actor.id)
  ) {
    return render(
      c,
      <ForbiddenPage ctx={pageContext(c)} message="You can only change events you organise." />,
      403,
    );
  }
  return { access, ...found };
}

/** Adding, changing and deleting events. */
export function eventEditingRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/c/:ref/events/new", requireSignIn(), (c) => {
    const access = readableCommunity(c);
    if (access instanceof Promise) return access;
    const refused = threadRefusal(c, access);
    if (refused) return refused;
    return formPage(c, access, { values: blankEventForm() });
  });

  app.post("/c/:ref/events/new", requireSignIn(), async (c) => {
    const access = readableCommunity(c);
    if (access instanceof Promise) return access;
    const refused = threadRefusal(c, access);
    if (refused) return refused;
    const { db, config } = c.get("deps");
    const values = eventFormFrom(await formFields(c));
    try {
      const item = composeEvent(db, config.origin, {
        author: c.get("account")!.actor,
        groups: [access.group],
        form: values,
      });
      await publishItemChange(federationContext(c), item, "create");
      setFlash(c, "Your event has been added.");
      return c.redirect(`${access.path}/events/${item.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return formPage(c, access, { values, errors: error.errors });
      }
      if (error instanceof ForbiddenError) return membersOnly(c, access);
      throw error;
    }
  });

  app.get("/c/:ref/events/:id{[0-9]+}/edit", requireSignIn(), (c) => {
    const found = changeable(c);
    if (found instanceof Promise) return found;
    const { access, item, event } = found;
    return formPage(c, access, { item, values: eventFormOf(item, event) });
  });

  app.post("/c/:ref/events/:id{[0-9]+}/edit", requireSignIn(), async (c) => {
    const found = changeable(c);
    if (found instanceof Promise) return found;
    const { access, item } = found;
    const values = eventFormFrom(await formFields(c));
    try {
      const edited = editEvent(c.get("deps").db, item, c.get("account")!.actor.id, values);
      await publishItemChange(federationContext(c), edited, "update");
      setFlash(c, "Your changes have been saved.");
      return c.redirect(`${access.path}/events/${item.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return formPage(c, access, { item, values, errors: error.errors });
      }
      throw error;
    }
  });

  app.get("/c/:ref/events/:id{[0-9]+}/delete", requireSignIn(), (c) => {
    const found = changeable(c);
    if (found instanceof Promise) return found;
    const { access, item } = found;
    const eventPath = `${access.path}/events/${item.id}`;
    return render(
      c,
      <DeleteEventPage
        ctx={pageContext(c)}
        access={access}
        item={item}
        action={`${eventPath}/delete`}
        cancel={eventPath}
      />,
    );
  });

  app.post("/c/:ref/events/:id{[0-9]+}/delete", requireSignIn(), async (c) => {
    const found = changeable(c);
    if (found instanceof Promise) return found;
    const { access, item } = found;
    try {
      const deleted = deleteItem(c.get("deps").db, item, c.get("account")!.actor.id);
      await publishItemChange(federationContext(c), deleted, "delete");
    } catch (error) {
      if (error instanceof ForbiddenError || error instanceof NotFoundError) {
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      }
      throw error;
    }
    setFlash(c, "The event has been deleted.");
    return c.redirect(`${access.path}/events`, 303);
  });

  return app;
}
