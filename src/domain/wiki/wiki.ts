import { and, asc, count, desc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { actors, itemGroups, items, wikiRelated, wikiRevisions } from "../../db/schema/index.ts";
import type { ActorRow } from "../actors.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../errors.ts";
import { htmlToPlainText, renderMarkdown } from "../html.ts";
import { linkUploadedImages } from "../images/uploads.ts";
import {
  groupsOfItem,
  type ItemRow,
  insertItem,
  newItemIri,
  validateItemFields,
  visibilityFor,
} from "../items.ts";
import { isActiveMember } from "../membership.ts";
import { assertMayStartThread } from "../moderation/announcement.ts";
import { isLiveItem } from "../visible-items.ts";

/** One stored version of a wiki page. */
export type WikiRevision = typeof wikiRevisions.$inferSelect;

/** A revision with the person who made it. */
export interface RevisionWithAuthor {
  revision: WikiRevision;
  author: ActorRow;
}

/** What an editor submits: the whole new text, why, and the revision they started from. */
export interface WikiEditInput {
  editor: ActorRow;
  title: string;
  body: string;
  reason: string;
  /** Ids of related wiki pages (at most five, same community). */
  related: number[];
  /** The revision number the editor's form was based on. */
  baseRevision: number;
}

/** At most this many related pages per page. */
export const MAX_RELATED = 5;
const MAX_REASON = 300;
/** The reason recorded for a page's first version when the author gives none. */
export const FIRST_REVISION_REASON = "Created the page";

/**
 * The page changed since the editor opened it. Carries the newest revision so the form can
 * show it beside the editor's own text, which is kept.
 */
export class WikiConflictError extends ConflictError {
  constructor(readonly latest: WikiRevision) {
    super(
      `Someone else changed this page while you were editing it (now revision ${latest.number}). Your text has not been saved.`,
    );
    this.name = "WikiConflictError";
  }
}

/** The dereferenceable id of a page's revision. */
export function revisionIri(pageIri: string, number: number): string {
  return `${pageIri}/revisions/${number}`;
}

/** The revision number a revision id names, if it is one of this page's. */
export function revisionNumberOf(pageIri: string, iri: string): number | null {
  const prefix = `${pageIri}/revisions/`;
  if (!iri.startsWith(prefix)) return null;
  const rest = iri.slice(prefix.length);
  return /^[1-9]\d{0,8}$/.test(rest) ? Number(rest) : null;
}

/** Checks title, body, reason and the number of related pages, reporting every problem. */
export function validateWikiFields(fields: {
  title: string;
  body: string;
  reason: string;
  related: number[];
  reasonRequired: boolean;
}): void {
  const errors: FieldError[] = [];
  try {
    validateItemFields("wiki", { title: fields.title, body: fields.body });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    errors.push(...error.errors);
  }
  const reason = fields.reason.trim();
  if (fields.reasonRequired && reason.length === 0)
    errors.push({ field: "reason", message: "Enter a reason for the update" });
  if (reason.length > MAX_REASON)
    errors.push({ field: "reason", message: `Reason must be ${MAX_REASON} characters or fewer` });
  if (new Set(fields.related).size > MAX_RELATED)
    errors.push({ field: "related", message: `Choose ${MAX_RELATED} related pages or fewer` });
  if (errors.length > 0) throw new ValidationError(errors);
}

/** The one community a wiki page belongs to. */
export function wikiGroup(db: Db, page: ItemRow): ActorRow | undefined {
  return groupsOfItem(db, page.id)[0];
}

/** Finds a live wiki page by id. */
export function findWikiPage(db: Db, id: number): ItemRow | undefined {
  const row = db.select().from(items).where(eq(items.id, id)).get();
  return row?.kind === "wiki" && !row.deletedAt ? row : undefined;
}

/** The newest revision of a page. */
export function latestRevision(db: Db, itemId: number): WikiRevision | undefined {
  return db
    .select()
    .from(wikiRevisions)
    .where(eq(wikiRevisions.itemId, itemId))
    .orderBy(desc(wikiRevisions.number))
    .limit(1)
    .get();
}

/** One revision of a page by number. */
export function getRevision(db: Db, itemId: number, number: number): WikiRevision | undefined {
  return db
    .select()
    .from(wikiRevisions)
    .where(and(eq(wikiRevisions.itemId, itemId), eq(wikiRevisions.number, number)))
    .get();
}

/** Finds a revision by its id. */
export function findRevisionByIri(db: Db, iri: string): WikiRevision | undefined {
  return db.select().from(wikiRevisions).where(eq(wikiRevisions.iri, iri)).get();
}

/** The revisions of a page with their authors, newest first: all, or one window of them. */
export function listRevisions(
  db: Db,
  itemId: number,
  window: { offset: number; limit: number } = { offset: 0, limit: -1 },
): RevisionWithAuthor[] {
  return db
    .select({ revision: wikiRevisions, author: actors })
    .from(wikiRevisions)
    .innerJoin(actors, eq(actors.id, wikiRevisions.authorId))
    .where(eq(wikiRevisions.itemId, itemId))
    .orderBy(desc(wikiRevisions.number))
    .limit(window.limit)
    .offset(window.offset)
    .all();
}

/** How many revisions a page has. */
export function countRevisions(db: Db, itemId: number): number {
  return (
    db.select({ n: count() }).from(wikiRevisions).where(eq(wikiRevisions.itemId, itemId)).get()
      ?.n ?? 0
  );
}

/** One line of a community's list of wiki pages. */
export interface WikiPageSummary {
  page: ItemRow;
  lastRevision: number;
  lastEditedAt: Date;
  lastEditedBy: ActorRow;
}

/** A community's wiki pages from A to Z, each with who edited it last and when. */
export function listWikiPages(db: Db, groupId: number): WikiPageSummary[] {
  // One query: each page joined to its newest revision (the one no later revision follows).
  const newest = sql`${wikiRevisions.number} = (select max(r.number) from wiki_revisions r
    where r.item_id = ${wikiRevisions.itemId})`;
  return db
    .select({ page: items, revision: wikiRevisions, author: actors })
    .from(items)
    .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
    .innerJoin(wikiRevisions, eq(wikiRevisions.itemId, items.id))
    .innerJoin(actors, eq(actors.id, wikiRevisions.authorId))
    .where(and(eq(itemGroups.groupId, groupId), eq(items.kind, "wiki"), isLiveItem(), newest))
    .orderBy(asc(sql`lower(${items.title})`), asc(items.id))
    .all()
    .map((r) => ({
      page: r.page,
      lastRevision: r.revision.number,
      lastEditedAt: r.revision.createdAt,
      lastEditedBy: r.author,
    }));
}

/** The pages a page lists as related, A to Z. */
export function relatedPages(db: Db, itemId: number): ItemRow[] {
  return db
    .select({ page: items })
    .from(wikiRelated)
    .innerJoin(items, eq(items.id, wikiRelated.relatedItemId))
    .where(and(eq(wikiRelated.itemId, itemId), isLiveItem()))
    .orderBy(asc(sql`lower(${items.title})`))
    .all()
    .map((r) => r.page);
}

/** The other live wiki pages of a community, which a page may list as related. */
export function relatedCandidates(db: Db, groupId: number, exceptItemId?: number): ItemRow[] {
  const conditions = [eq(itemGroups.groupId, groupId), eq(items.kind, "wiki"), isLiveItem()];
  if (exceptItemId !== undefined) conditions.push(ne(items.id, exceptItemId));
  return db
    .select({ page: items })
    .from(items)
    .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
    .where(and(...conditions))
    .orderBy(asc(sql`lower(${items.title})`))
    .all()
    .map((r) => r.page);
}

/**
 * Replaces a page's related pages. Each must be another live wiki page of the same community;
 * anything else is refused rather than silently dropped, so a forged form cannot link across
 * communities.
 */
export function setRelatedPages(db: Db, page: ItemRow, groupId: number, related: number[]): void {
  const wanted = [...new Set(related)];
  if (wanted.length > MAX_RELATED) {
    throw new ValidationError([
      { field: "related", message: `Choose ${MAX_RELATED} related pages or fewer` },
    ]);
  }
  const allowed = new Set(relatedCandidates(db, groupId, page.id).map((p) => p.id));
  if (wanted.some((id) => !allowed.has(id))) {
    throw new ValidationError([
      { field: "related", message: "Related pages must be other pages of this community's wiki" },
    ]);
  }
  db.transaction((tx) => {
    tx.delete(wikiRelated).where(eq(wikiRelated.itemId, page.id)).run();
    for (const relatedItemId of wanted)
      tx.insert(wikiRelated).values({ itemId: page.id, relatedItemId }).run();
  });
}

/** Stores a revision and makes the page show it. */
export function appendRevision(
  db: Db,
  page: ItemRow,
  revision: Omit<typeof wikiRevisions.$inferInsert, "itemId" | "id">,
): { page: ItemRow; revision: WikiRevision } {
  return db.transaction((tx) => {
    const stored = tx
      .insert(wikiRevisions)
      .values({ ...revision, itemId: page.id })
      .returning()
      .get();
    const updated = tx
      .update(items)
      .set({
        title: stored.title,
        bodySource: stored.bodySource,
        bodyHtml: stored.bodyHtml,
        updatedAt: stored.createdAt,
        activityAt: stored.createdAt,
      })
      .where(eq(items.id, page.id))
      .returning()
      .get();
    if (stored.bodySource && stored.authorId) {
      linkUploadedImages(tx as unknown as Db, page.id, stored.authorId, stored.bodySource);
    }
    return { page: updated, revision: stored };
  });
}

/** What a member writes to start a page. */
export interface NewWikiPageInput {
  author: ActorRow;
  group: ActorRow;
  title: string;
  body: string;
  reason?: string;
  related?: number[];
}

/**
 * Checks a new page before it is stored here or sent to its community's home server: the
 * fields, and that the author is an active member.
 */
export function checkNewWikiPage(db: Db, input: NewWikiPageInput): void {
  const related = input.related ?? [];
  validateWikiFields({ ...input, reason: input.reason ?? "", related, reasonRequired: false });
  if (!isActiveMember(db, input.group.id, input.author.id)) {
    throw new ForbiddenError(`Only members of ${input.group.name} can write in its wiki`);
  }
}

/** A member of a local community (possibly from another server) starts a page: revision 1. */
export function createWikiPage(
  db: Db,
  origin: string,
  input: NewWikiPageInput,
): { page: ItemRow; revision: WikiRevision } {
  const related = input.related ?? [];
  checkNewWikiPage(db, input);
  assertMayStartThread(db, [input.group], input.author.id);
  if (!input.group.isLocal) {
    throw new ForbiddenError("New pages are created on the community's own server");
  }
  return db.transaction(() => {
    const now = new Date();
    const page = insertItem(db, {
      kind: "wiki",
      iri: newItemIri(origin, "wiki"),
      authorId: input.author.id,
      groupIds: [input.group.id],
      title: input.title,
      bodySource: input.body,
      bodyHtml: renderMarkdown(input.body),
      visibility: visibilityFor(db, [input.group]),
      isLocal: true,
      publishedAt: now,
    });
    setRelatedPages(db, page, input.group.id, related);
    return appendRevision(db, page, {
      number: 1,
      title: page.title,
      bodySource: input.body,
      bodyHtml: page.bodyHtml,
      reason: input.reason?.trim() || FIRST_REVISION_REASON,
      authorId: input.author.id,
      createdAt: now,
      iri: revisionIri(page.iri, 1),
    });
  });
}

/**
 * Checks an edit before it is applied here or sent to the page's home server: the fields, the
 * editor's membership, and that nobody saved a newer revision since the editor began.
 */
export function checkWikiEdit(db: Db, page: ItemRow, input: WikiEditInput): WikiRevision {
  validateWikiFields({ ...input, reasonRequired: true });
  if (page.kind !== "wiki" || page.deletedAt) throw new NotFoundError("That page does not exist");
  const group = wikiGroup(db, page);
  if (!group || !isActiveMember(db, group.id, input.editor.id)) {
    throw new ForbiddenError("Only members of the community can edit its wiki");
  }
  const latest = latestRevision(db, page.id);
  if (!latest) throw new NotFoundError("That page has no text yet");
  if (input.baseRevision !== latest.number) throw new WikiConflictError(latest);
  return latest;
}

/**
 * A member edits a page whose community lives here (the editor may be on another server):
 * stores the next revision, by that editor, with their reason.
 */
export function editWikiPage(
  db: Db,
  page: ItemRow,
  input: WikiEditInput & { at?: Date },
): { page: ItemRow; revision: WikiRevision } {
  if (!page.isLocal) throw new ForbiddenError("This page is edited on its community's own server");
  return db.transaction(() => {
    const latest = checkWikiEdit(db, page, input);
    setRelatedPages(db, page, wikiGroup(db, page)!.id, input.related);
    const number = latest.number + 1;
    return appendRevision(db, page, {
      number,
      title: input.title.trim(),
      bodySource: input.body,
      bodyHtml: renderMarkdown(input.body),
      reason: input.reason.trim(),
      authorId: input.editor.id,
      createdAt: input.at ?? new Date(),
      iri: revisionIri(page.iri, number),
    });
  });
}

/** The text a revision had, in the shape of an edit that restores it. */
export function restoringEdit(
  db: Db,
  page: ItemRow,
  editor: ActorRow,
  number: number,
): WikiEditInput {
  const old = getRevision(db, page.id, number);
  const latest = latestRevision(db, page.id);
  if (!old || !latest) throw new NotFoundError(`Revision ${number} does not exist`);
  return {
    editor,
    title: old.title,
    // Text that came from another server as HTML only is restored as its plain text.
    body: old.bodySource ?? htmlToPlainText(old.bodyHtml),
    reason: `Restored revision ${number}`,
    related: relatedPages(db, page.id).map((p) => p.id),
    baseRevision: latest.number,
  };
}

/** Makes an old revision current again by saving its text as a new revision. */
export function restoreRevision(
  db: Db,
  page: ItemRow,
  editor: ActorRow,
  number: number,
): { page: ItemRow; revision: WikiRevision } {
  return editWikiPage(db, page, restoringEdit(db, page, editor, number));
}
