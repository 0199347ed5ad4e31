import { type Context, Hono } from "hono";
import { type ActorRow, findLocalActor } from "../../domain/actors.ts";
import {
  composeEntry,
  ENTRY_PAGE_SIZE,
  type EntryFields,
  editEntry,
  groupIsVisibleTo,
  listEntries,
  listEntriesInGroup,
  publishableGroups,
} from "../../domain/blog.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { canModerate, deleteItem, groupsOfItem, type ItemRow } from "../../domain/items.ts";
import { renderWithMentions } from "../../domain/mentions.ts";
import { entryPagePath, personPagePath } from "../../domain/paths.ts";
import { publishEntryEdit, publishNewEntry } from "../../federation/blog.ts";
import { learnMentionedPeople } from "../../federation/mentions.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import {
  communityAccess,
  communityNotFound,
  membersOnly,
  sectionOff,
} from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage, NotFoundPage } from "../views/errors.tsx";
import { PREVIEW_ACTION } from "../views/writing.tsx";
import { type EntryScene, entryNotFound, entryScene, renderEntry } from "./access.tsx";
import { blogCommentRoutes } from "./comment-routes.tsx";
import {
  BlogPage,
  CommunityBlogPage,
  DeleteBlogItemPage,
  EntryFormPage,
  type EntryFormValues,
} from "./views/blog.tsx";

type C = Context<AppEnv>;

/** The page number asked for in the query, at least 1. */
function pageParam(c: C): number {
  return Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
}

/** Reads the entry form, keeping every ticked community (formFields keeps one value per name). */
async function readEntryForm(c: C): Promise<{ values: EntryFormValues; action: string }> {
  const body = await c.req.parseBody({ all: true });
  const one = (name: string): string => {
    const value = body[name];
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === "string" ? first : "";
  };
  const groupIds = [body.groups].flat().filter((v): v is string => typeof v === "string");
  return {
    values: { title: one("title"), summary: one("summary"), body: one("body"), groupIds },
    action: one("action"),
  };
}

/** The form's values as domain fields; a community id that is not a number matches nothing. */
function entryFields(values: EntryFormValues, status: EntryFields["status"]): EntryFields {
  return {
    title: values.title,
    summary: values.summary,
    body: values.body,
    groupIds: values.groupIds.map((id) => (/^\d+$/.test(id) ? Number(id) : -1)),
    status,
  };
}

/** The communities offered on the entry form: the author's, plus any the entry is already in. */
function groupChoices(c: C, author: ActorRow, entry?: ItemRow) {
  const { db } = c.get("deps");
  const groups = publishableGroups(db, author.id);
  const known = new Set(groups.map((g) => g.id));
  for (const g of entry ? groupsOfItem(db, entry.id) : []) {
    if (!known.has(g.id)) groups.push(g);
  }
  // A group the author may see is private when outsiders cannot see it.
  return groups.map((group) => ({
    group,
    isPrivate: !groupIsVisibleTo(db, group, null),
  }));
}

/** Finds the entry to edit or delete and checks the viewer may; or answers with an error page. */
function changeable(c: C, may: (entry: ItemRow, actorId: number) => boolean) {
  const scene = entryScene(c);
  if (scene instanceof Promise) return scene;
  if (!scene.entry.isLocal || !may(scene.entry, c.get("account")!.actor.id)) {
    return render(
      c,
      <ForbiddenPage ctx={pageContext(c)} message="You can only change your own blog entries." />,
      403,
    );
  }
  return scene;
}

const byAuthor = (entry: ItemRow, actorId: number) => entry.authorId === actorId;

/** People's blogs and communities' blog lists: read, write, edit and delete entries. */
export function blogRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/people/:handle/blog", (c) => {
    const { db } = c.get("deps");
    const person = findLocalActor(db, c.req.param("handle").toLowerCase());
    if (person?.type !== "Person") {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c)} message="There is no one with that handle here." />,
        404,
      );
    }
    // Entries a deleted person kept stay in their communities, but their own blog is gone.
    if (person.deletedAt) {
      const message = "This person has deleted their account.";
      return render(c, <NotFoundPage ctx={pageContext(c)} message={message} />, 410);
    }
    const viewerId = c.get("account")?.actor.id;
    const page = pageParam(c);
    const { entries, total } = listEntries(db, person.id, { viewerId, page });
    return render(
      c,
      <BlogPage
        ctx={pageContext(c)}
        person={person}
        entries={entries}
        total={total}
        page={page}
        pageSize={ENTRY_PAGE_SIZE}
        isSelf={viewerId === person.id}
      />,
    );
  });

  app.get("/c/:ref/blog", (c) => {
    const access = communityAccess(c);
    if (!access) return communityNotFound(c);
    if (!access.canRead) return membersOnly(c, access);
    const off = sectionOff(c, access, "blog");
    if (off) return off;
    const page = pageParam(c);
    const { entries, total } = listEntriesInGroup(c.get("deps").db, access.group.id, {
      viewerId: c.get("account")?.actor.id,
      page,
    });
    return render(
      c,
      <CommunityBlogPage
        ctx={pageContext(c)}
        access={access}
        entries={entries}
        total={total}
        page={page}
        pageSize={ENTRY_PAGE_SIZE}
      />,
    );
  });

  app.get("/people/:handle/blog/:id{[0-9]+}", (c) => {
    const scene = entryScene(c);
    return scene instanceof Promise ? scene : renderEntry(c, scene);
  });

  // Entries by people here have one page, on their blog; remote people's entries are read in
  // the community they arrived through.
  app.get("/c/:ref/blog/:id{[0-9]+}", (c) => {
    const scene = entryScene(c);
    if (scene instanceof Promise) return scene;
    return scene.author.isLocal ? c.redirect(scene.base, 303) : renderEntry(c, scene);
  });

  const newEntryForm = (
    c: C,
    values: EntryFormValues,
    errors?: ValidationError,
    preview?: string,
  ) =>
    render(
      c,
      <EntryFormPage
        ctx={pageContext(c)}
        action="/blog/new"
        heading="Write a blog entry"
        backLink={`${personPagePath(c.get("account")!.actor.handle)}/blog`}
        status="new"
        choices={groupChoices(c, c.get("account")!.actor)}
        values={values}
        errors={errors?.errors}
        preview={preview}
      />,
      errors ? 422 : 200,
    );

  app.get("/blog/new", requireSignIn(), (c) => {
    const group = c.req.query("group");
    return newEntryForm(c, {
      title: "",
      summary: "",
      body: "",
      groupIds: group && /^\d+$/.test(group) ? [group] : [],
    });
  });

  app.post("/blog/new", requireSignIn(), async (c) => {
    const { db, config } = c.get("deps");
    const me = c.get("account")!.actor;
    const { values, action } = await readEntryForm(c);
    if (action === PREVIEW_ACTION) {
      return newEntryForm(
        c,
        values,
        undefined,
        renderWithMentions(db, config.origin, values.body).html,
      );
    }
    // Publishing is the deliberate choice; anything else keeps the entry to its author.
    const status = action === "publish" ? "published" : "draft";
    try {
      await learnMentionedPeople(federationContext(c), values.body);
      const entry = composeEntry(db, config.origin, me, entryFields(values, status));
      await publishNewEntry(federationContext(c), entry);
      setFlash(
        c,
        status === "published" ? "Your entry has been published." : "Your draft has been saved.",
      );
      return c.redirect(entryPagePath(me.handle, entry.id), 303);
    } catch (error) {
      if (error instanceof ValidationError) return newEntryForm(c, values, error);
      if (error instanceof ForbiddenError) {
        return newEntryForm(
          c,
          values,
          new ValidationError([{ field: "groups", message: error.message }]),
        );
      }
      throw error;
    }
  });

  const editForm = (
    c: C,
    scene: EntryScene,
    values: EntryFormValues,
    errors?: ValidationError,
    preview?: string,
  ) =>
    render(
      c,
      <EntryFormPage
        ctx={pageContext(c)}
        action={`${scene.base}/edit`}
        heading="Edit blog entry"
        backLink={scene.base}
        status={scene.entry.status}
        choices={groupChoices(c, scene.author, scene.entry)}
        values={values}
        errors={errors?.errors}
        preview={preview}
      />,
      errors ? 422 : 200,
    );

  app.get("/people/:handle/blog/:id{[0-9]+}/edit", requireSignIn(), (c) => {
    const scene = changeable(c, byAuthor);
    if (scene instanceof Promise) return scene;
    const { entry } = scene;
    return editForm(c, scene, {
      title: entry.title,
      summary: entry.summary,
      body: entry.bodySource ?? "",
      groupIds: groupsOfItem(c.get("deps").db, entry.id).map((g) => String(g.id)),
    });
  });

  app.post("/people/:handle/blog/:id{[0-9]+}/edit", requireSignIn(), async (c) => {
    const scene = changeable(c, byAuthor);
    if (scene instanceof Promise) return scene;
    const { db, config } = c.get("deps");
    const { values, action } = await readEntryForm(c);
    if (action === PREVIEW_ACTION) {
      const preview = renderWithMentions(db, config.origin, values.body).html;
      return editForm(c, scene, values, undefined, preview);
    }
    const status =
      action === "publish" ? "published" : action === "draft" ? "draft" : scene.entry.status;
    try {
      await learnMentionedPeople(federationContext(c), values.body);
      const edit = editEntry(
        db,
        config.origin,
        scene.entry,
        c.get("account")!.actor.id,
        entryFields(values, status),
      );
      await publishEntryEdit(federationContext(c), edit);
      const published = edit.after.status === "published";
      setFlash(
        c,
        published
          ? edit.before.status === "draft"
            ? "Your entry has been published."
            : "Your changes have been saved."
          : edit.before.status === "published"
            ? "Your entry has been withdrawn and saved as a draft."
            : "Your draft has been saved.",
      );
      return c.redirect(scene.base, 303);
    } catch (error) {
      if (error instanceof ValidationError) return editForm(c, scene, values, error);
      if (error instanceof NotFoundError) return entryNotFound(c);
      throw error;
    }
  });

  const mayDelete = (c: C) => (entry: ItemRow, actorId: number) =>
    canModerate(c.get("deps").db, entry, actorId);

  app.get("/people/:handle/blog/:id{[0-9]+}/delete", requireSignIn(), (c) => {
    const scene = changeable(c, mayDelete(c));
    if (scene instanceof Promise) return scene;
    return render(
      c,
      <DeleteBlogItemPage
        ctx={pageContext(c)}
        item={scene.entry}
        action={`${scene.base}/delete`}
        cancel={scene.base}
      />,
    );
  });

  app.post("/people/:handle/blog/:id{[0-9]+}/delete", requireSignIn(), async (c) => {
    const scene = changeable(c, mayDelete(c));
    if (scene instanceof Promise) return scene;
    try {
      const deleted = deleteItem(c.get("deps").db, scene.entry, c.get("account")!.actor.id);
      // A draft was never sent anywhere, so publishItemChange sends nothing for it.
      await publishItemChange(federationContext(c), deleted, "delete");
    } catch (error) {
      if (error instanceof ForbiddenError) {
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      }
      throw error;
    }
    setFlash(c, "The entry has been deleted.");
    return c.redirect(scene.listPath, 303);
  });

  app.route("/", blogCommentRoutes());
  return app;
}
