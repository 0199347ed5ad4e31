import { type Context, Hono } from "hono";
import type { Db } from "../../db/client.ts";
import type { ActorRow } from "../../domain/actors.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { itemPathOf } from "../../domain/item-links.ts";
import { canView, getItem, groupsOfItem, type ItemRow } from "../../domain/items.ts";
import { type FinderField, type FoundPerson, findPeople } from "../../domain/people-finder.ts";
import { type SearchQuery, type SearchType, search } from "../../domain/search.ts";
import { tagCloud } from "../../domain/tag-cloud.ts";
import { addTag, findTag, itemsWithTag, parseTags, removeTag } from "../../domain/tags.ts";
import { parseHandle, resolveActor } from "../../federation/lookup.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { sendRemoteTagging } from "../../federation/tags.ts";
import { logger } from "../../logging.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { communityAccess, communityNotFound, membersOnly } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import type { FieldError } from "../views/components.tsx";
import { ForbiddenPage, NotFoundPage } from "../views/errors.tsx";
import { PeoplePage, SearchPage } from "../views/pages/search.tsx";
import { TagFormPage } from "../views/pages/tag-form.tsx";
import { TagPage, TagsPage } from "../views/pages/tags.tsx";

type C = Context<AppEnv>;
const log = logger("web", "search");

const TYPES = new Set<SearchType>([
  "topic",
  "reply",
  "entry",
  "wiki",
  "event",
  "poll",
  "document",
  "person",
  "community",
  "tag",
]);
const FIELDS = new Set<FinderField>([
  "any",
  "name",
  "expertise",
  "interest",
  "service-area",
  "organisation",
]);

/** Reads a yyyy-mm-dd date field; `end` moves it to the start of the following day. */
function parseDate(raw: string, end: boolean): Date | null | undefined {
  if (!raw) return undefined;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw.trim());
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0)));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Runs a search from the query string, within one community when `group` is given. */
function searchPage(c: C, group?: ActorRow & { path: string }) {
  const form = {
    q: (c.req.query("q") ?? "").slice(0, 200),
    type: c.req.query("type") ?? "",
    from: c.req.query("from") ?? "",
    to: c.req.query("to") ?? "",
  };
  const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
  const errors: FieldError[] = [];
  const from = parseDate(form.from, false);
  const to = parseDate(form.to, true);
  if (from === null) errors.push({ field: "from", message: "Enter a date like 2026-01-31" });
  if (to === null) errors.push({ field: "to", message: "Enter a date like 2026-12-31" });
  const type = TYPES.has(form.type as SearchType) ? (form.type as SearchType) : undefined;
  if (!type) form.type = "";
  const query: SearchQuery = { q: form.q, page };
  if (type) query.type = type;
  if (group) query.communityId = group.id;
  if (from) query.from = from;
  if (to) query.to = to;
  const results =
    form.q.trim() && errors.length === 0
      ? search(c.get("deps").db, c.get("account")?.actor.id, query)
      : null;
  return render(
    c,
    <SearchPage
      ctx={pageContext(c)}
      form={form}
      results={results}
      page={page}
      errors={errors}
      community={group}
    />,
    errors.length > 0 ? 422 : 200,
  );
}

/** Where an item is shown on this site, in its first community (or its author's blog). */
function itemHref(c: C, item: ItemRow): string {
  // Only local paths: this also decides where a form returns to after tagging.
  const path = itemPathOf(c.get("deps").db, item);
  return path ?? "/tags";
}

/** Where to go back to after tagging: a local path from the form, or the item's page. */
function returnPath(c: C, raw: string | undefined, item: ItemRow): string {
  return raw && /^\/(?!\/)/.test(raw) && !raw.includes("\\") ? raw : itemHref(c, item);
}

/** The item named by the path, when the viewer may see it. */
function visibleItem(c: C): ItemRow | undefined {
  const id = Number(c.req.param("id"));
  const item = Number.isInteger(id) ? getItem(c.get("deps").db, id) : undefined;
  if (!item || item.deletedAt) return undefined;
  return canView(c.get("deps").db, item, c.get("account")?.actor.id) ? item : undefined;
}

function itemNotFound(c: C) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="That item does not exist, or was deleted." />,
    404,
  );
}

/** Site-wide and community search, tag clouds and pages, tagging, and the people finder. */
export function searchRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/search", (c) => searchPage(c));

  app.get("/c/:ref/search", (c) => {
    const access = communityAccess(c);
    if (!access) return communityNotFound(c);
    if (!access.canRead) return membersOnly(c, access);
    return searchPage(c, { ...access.group, path: access.path });
  });

  app.get("/tags", (c) =>
    render(
      c,
      <TagsPage
        ctx={pageContext(c)}
        cloud={tagCloud(c.get("deps").db, c.get("account")?.actor.id, { limit: 100 })}
      />,
    ),
  );

  app.get("/tags/:name", (c) => {
    const { db } = c.get("deps");
    const name = decodeURIComponent(c.req.param("name"));
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const { items, total } = itemsWithTag(db, c.get("account")?.actor.id, name, page);
    // A tag only on items the viewer may not see is answered like one that does not exist.
    if (total === 0) {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c)} message="Nothing you can see has that tag." />,
        404,
      );
    }
    const tag = findTag(db, name);
    return render(
      c,
      <TagPage
        ctx={pageContext(c)}
        display={tag?.display ?? name}
        items={items}
        total={total}
        page={page}
        hrefOf={(t) => {
          const item = getItem(db, t.id);
          return item ? itemHref(c, item) : "/tags";
        }}
      />,
    );
  });

  app.post("/items/:id{[0-9]+}/tags", requireSignIn(), async (c) => {
    const item = visibleItem(c);
    if (!item) return itemNotFound(c);
    const f = await formFields(c);
    const back = returnPath(c, f.return, item);
    if (!item.isLocal && !taggableAtHome(c.get("deps").db, item)) {
      return render(
        c,
        <ForbiddenPage
          ctx={pageContext(c)}
          message="This item lives on another server; tags are added there."
        />,
        403,
      );
    }
    try {
      const me = c.get("account")!.actor;
      // Every tag typed is checked before any is added, so a refusal changes nothing.
      const typed = parseTags(f.tag ?? "");
      const added = typed.map((t) => addTag(c.get("deps").db, item, me.id, t.display));
      // Our own items announce their new tags; an item from elsewhere is tagged at its home,
      // which announces them to every instance.
      if (item.isLocal) await publishItemChange(federationContext(c), item, "update");
      else
        for (const tag of added)
          await sendRemoteTagging(federationContext(c), item, me, tag.name, true);
      log.info("Tagged item {itemId} with {tags}", {
        itemId: item.id,
        tags: added.map((t) => t.name),
      });
      setFlash(c, `Tagged with ${added.map((t) => t.display).join(", ")}.`);
      return c.redirect(back, 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(
          c,
          <TagFormPage
            ctx={pageContext(c)}
            itemId={item.id}
            title={item.title}
            back={back}
            value={f.tag ?? ""}
            errors={error.errors}
          />,
          422,
        );
      }
      if (error instanceof ForbiddenError)
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      throw error;
    }
  });

  app.post("/items/:id{[0-9]+}/tags/remove", requireSignIn(), async (c) => {
    const item = visibleItem(c);
    if (!item) return itemNotFound(c);
    const f = await formFields(c);
    const back = returnPath(c, f.return, item);
    try {
      const me = c.get("account")!.actor;
      removeTag(c.get("deps").db, item, me.id, f.tag ?? "");
      if (item.isLocal) await publishItemChange(federationContext(c), item, "update");
      else await sendRemoteTagging(federationContext(c), item, me, f.tag ?? "", false);
      setFlash(c, "The tag has been removed.");
      return c.redirect(back, 303);
    } catch (error) {
      if (error instanceof ForbiddenError || error instanceof NotFoundError)
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      throw error;
    }
  });

  app.get("/people", async (c) => {
    const q = (c.req.query("q") ?? "").slice(0, 200);
    const rawField = c.req.query("field") ?? "any";
    const field = FIELDS.has(rawField as FinderField) ? (rawField as FinderField) : "any";
    let looked: ActorRow | null = null;
    let lookupError: string | undefined;
    let people: FoundPerson[] | null = null;
    if (q.trim().startsWith("@") && parseHandle(q)) {
      // Only signed-in people may make this server fetch from elsewhere.
      if (!c.get("account")) lookupError = "Sign in to look up people on other servers";
      else {
        try {
          const actor = await resolveActor(federationContext(c), q);
          if (actor.type === "Person") looked = actor;
          else lookupError = "That handle belongs to a community, not a person";
        } catch (error) {
          log.info("Handle look-up for {q} failed: {error}", { q, error });
          lookupError = `Nobody was found at ${q.trim()}`;
        }
      }
    } else if (q.trim()) {
      people = findPeople(c.get("deps").db, q, field);
    }
    return render(
      c,
      <PeoplePage
        ctx={pageContext(c)}
        q={q}
        field={field}
        people={people}
        looked={looked}
        lookupError={lookupError}
      />,
      lookupError ? 422 : 200,
    );
  });

  return app;
}

/**
 * Whether an item from elsewhere can be tagged from here: only when it lives on the home server
 * of one of its communities, which then applies the tag and announces it to every instance.
 */
function taggableAtHome(db: Db, item: ItemRow): boolean {
  const home = new URL(item.iri).host;
  return groupsOfItem(db, item.id).some((g) => !g.isLocal && g.host === home);
}
