import { Hono } from "hono";
import { htmlToPlainText } from "../../domain/html.ts";
import { findMentioned } from "../../domain/mentions.ts";
import { personPagePath } from "../../domain/paths.ts";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { Avatar } from "../views/avatar.tsx";
import { NotFoundPage } from "../views/errors.tsx";
import { Layout } from "../views/layout.tsx";

/**
 * Our page for a person on another server (`/people/name@host`), where mentions of them lead:
 * who they are, as their server described them, and a link to their own profile. Reading it
 * sends nothing to their server.
 */
export function remotePeopleRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/people/:ref{[^/]+[@%][^/]+}", (c) => {
    const { db } = c.get("deps");
    const { config } = c.get("deps");
    const person = findMentioned(db, new URL(config.origin).host, c.req.param("ref"));
    if (person?.isLocal) return c.redirect(personPagePath(person.handle), 301);
    if (!person) {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c)} message="Nobody by that name is known here." />,
        404,
      );
    }
    const handle = `@${person.handle}@${person.host}`;
    const about = htmlToPlainText(person.summary);
    return render(
      c,
      <Layout ctx={pageContext(c)} title={`${person.name || handle} (on ${person.host})`}>
        <Avatar person={person} size="large" />
        <span class="govuk-caption-l">{handle}</span>
        <h1 class="govuk-heading-l">{person.name || person.handle}</h1>
        {about ? <p class="govuk-body">{about}</p> : null}
        <p class="govuk-body">
          {person.name || person.handle} is on another server, {person.host}.{" "}
          <a class="govuk-link" href={person.url ?? person.iri} rel="nofollow noopener">
            See their profile on {person.host}
          </a>
        </p>
      </Layout>,
    );
  });
  return app;
}
