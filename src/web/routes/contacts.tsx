import { type Context, Hono } from "hono";
import { findLocalActor } from "../../domain/actors.ts";
import {
  CONTACTS_PER_PAGE,
  countContacts,
  getContact,
  listContactsOf,
} from "../../domain/contacts.ts";
import { ConflictError, ValidationError } from "../../domain/errors.ts";
import { addContact, decideContact, withdrawContact } from "../../federation/contacts.ts";
import { LookupError, resolveActor } from "../../federation/lookup.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { requestedListPage } from "../list-paging.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage, NotFoundPage } from "../views/errors.tsx";
import { ContactsPage } from "../views/pages/contacts.tsx";

const log = logger("web", "contacts");

/** The contacts page and the actions on contact requests. */
export function contactRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/contacts", requireSignIn());
  app.use("/contacts/*", requireSignIn());
  app.use("/people/:handle/contact", requireSignIn());

  const page = (
    c: Context<AppEnv>,
    status: 200 | 422 = 200,
    errors: { field: string; message: string }[] = [],
    handle = "",
  ) => {
    const me = c.get("account")!.actor;
    const { db } = c.get("deps");
    // Contacts are listed by name, a page at a time; requests waiting either way show on every
    // page.
    const shown = requestedListPage(c, countContacts(db, me.id), CONTACTS_PER_PAGE);
    const lists = listContactsOf(db, me.id, shown);
    return render(
      c,
      <ContactsPage
        ctx={pageContext(c)}
        {...lists}
        page={shown.page}
        totalPages={shown.totalPages}
        errors={errors}
        handle={handle}
      />,
      status,
    );
  };

  app.get("/contacts", (c) => page(c));

  // Adding by handle works for anyone, here or on another instance.
  app.post("/contacts", async (c) => {
    const me = c.get("account")!.actor;
    const handle = ((await formFields(c)).handle ?? "").trim();
    if (!handle)
      return page(
        c,
        422,
        [{ field: "handle", message: "Enter a handle, like @name@council.example" }],
        handle,
      );
    try {
      const ctx = federationContext(c);
      const person = await resolveActor(ctx, handle);
      const contact = await addContact(ctx, me, person);
      setFlash(
        c,
        contact.state === "accepted"
          ? `${person.name} is now one of your contacts.`
          : `You have asked ${person.name} to be a contact.`,
      );
      return c.redirect("/contacts", 303);
    } catch (error) {
      if (
        error instanceof LookupError ||
        error instanceof ValidationError ||
        error instanceof ConflictError
      ) {
        const message = error instanceof ValidationError ? error.errors[0]!.message : error.message;
        return page(c, 422, [{ field: "handle", message }], handle);
      }
      throw error;
    }
  });

  app.post("/people/:handle/contact", async (c) => {
    const { db } = c.get("deps");
    const me = c.get("account")!.actor;
    const person = findLocalActor(db, c.req.param("handle").toLowerCase());
    if (person?.type !== "Person") {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c)} message="There is no one with that handle here." />,
        404,
      );
    }
    try {
      const contact = await addContact(federationContext(c), me, person);
      setFlash(
        c,
        contact.state === "accepted"
          ? `${person.name} is now one of your contacts.`
          : `You have asked ${person.name} to be a contact.`,
      );
    } catch (error) {
      if (!(error instanceof ConflictError || error instanceof ValidationError)) throw error;
    }
    return c.redirect(`/people/${person.handle}`, 303);
  });

  app.post("/contacts/:id/:action{accept|reject|withdraw}", async (c) => {
    const { db } = c.get("deps");
    const me = c.get("account")!.actor;
    const contact = getContact(db, Number(c.req.param("id")));
    const action = c.req.param("action");
    // Only the person asked may answer, and only the person asking may withdraw.
    const allowed =
      contact &&
      (action === "withdraw"
        ? contact.followerId === me.id
        : contact.followeeId === me.id && contact.state === "pending");
    if (!contact || !allowed) {
      return render(
        c,
        <ForbiddenPage ctx={pageContext(c)} message="You cannot change that contact request." />,
        403,
      );
    }
    const ctx = federationContext(c);
    if (action === "withdraw") await withdrawContact(ctx, contact);
    else await decideContact(ctx, contact, action === "accept");
    log.info("{who} chose {action} on contact {id}", { who: me.handle, action, id: contact.id });
    setFlash(
      c,
      action === "accept"
        ? "Contact request accepted."
        : action === "reject"
          ? "Contact request declined."
          : "Removed.",
    );
    return c.redirect("/contacts", 303);
  });
  return app;
}
