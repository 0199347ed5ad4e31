import { Article, type Create, Reject, Update } from "@fedify/vocab";
import { type ActorRow, getActor } from "../domain/actors.ts";
import { renderMarkdown } from "../domain/html.ts";
import { uploadedImagesInMarkdown } from "../domain/images/uploads.ts";
import { findItemByIri, getItem, type ItemRow } from "../domain/items.ts";
import { type PendingWikiEdit, recordPendingEdit } from "../domain/wiki/remote.ts";
import {
  checkNewWikiPage,
  checkWikiEdit,
  getRevision,
  type NewWikiPageInput,
  relatedPages,
  type WikiEditInput,
  type WikiRevision,
  wikiGroup,
} from "../domain/wiki/wiki.ts";
import { logger } from "../logging.ts";
import { signerMayReadGroup } from "./authorize.ts";
import type { CopseContext, CopseFederation } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { announceToMembers } from "./publish.ts";
import { recipientOf } from "./recipients.ts";
import {
  newPageProposalActivity,
  proposalActivity,
  revisionActivity,
  wikiArticle,
} from "./vocab/wiki.ts";

const log = logger("federation", "wiki");

/** Path of a revision of a local wiki page; pages themselves live at `/ap/articles/{id}`. */
const REVISION_PATH = "/ap/articles/{id}/revisions/{n}";

/** The Article of a local wiki page as it stands now. */
export function localWikiArticle(ctx: CopseContext, page: ItemRow): Article | null {
  const group = wikiGroup(ctx.data.db, page);
  if (!group) return null;
  return wikiArticle(
    page,
    {
      title: page.title,
      bodySource: page.bodySource,
      bodyHtml: page.bodyHtml,
      updatedAt: page.updatedAt,
    },
    {
      group,
      related: relatedPages(ctx.data.db, page.id),
      origin: ctx.origin,
      pictures: uploadedImagesInMarkdown(ctx.data.db, page.bodySource ?? ""),
    },
  );
}

/** The Create or Update that made a revision of a local page. */
export function localRevisionActivity(
  ctx: CopseContext,
  page: ItemRow,
  revision: WikiRevision,
): Create | Update | null {
  const { db } = ctx.data;
  const group = wikiGroup(db, page);
  const author = getActor(db, revision.authorId);
  if (!group || !author) return null;
  return revisionActivity(page, revision, {
    group,
    author,
    related: relatedPages(db, page.id),
    origin: ctx.origin,
    previous: revision.number > 1 ? getRevision(db, page.id, revision.number - 1) : undefined,
    pictures: uploadedImagesInMarkdown(db, revision.bodySource ?? ""),
  });
}

/**
 * Tells a local community's members on other servers about a new revision: the group
 * announces the Create or Update (FEP-1b12), so every copy appends the same revision.
 */
export async function publishWikiRevision(
  ctx: CopseContext,
  page: ItemRow,
  revision: WikiRevision,
): Promise<void> {
  const group = wikiGroup(ctx.data.db, page);
  if (!page.isLocal || !group?.isLocal) return;
  const activity = localRevisionActivity(ctx, page, revision);
  if (!activity) return;
  await announceToMembers(ctx, group, activity, page.visibility);
  log.info("Announced revision {number} of {page} in {group}", {
    number: revision.number,
    page: page.iri,
    group: group.handle,
  });
}

/**
 * A local member edits the copy of a page whose community lives on another server. The edit
 * is checked here first (a stale form is caught without a round trip), remembered as pending,
 * and sent to the community, which applies it and announces it, or rejects it.
 */
export async function proposeWikiEdit(
  ctx: CopseContext,
  page: ItemRow,
  input: WikiEditInput,
): Promise<PendingWikiEdit> {
  const { db } = ctx.data;
  checkWikiEdit(db, page, input);
  const group = wikiGroup(db, page)!;
  const base = getRevision(db, page.id, input.baseRevision)!;
  const id = newActivityIri(ctx, "wiki-edit");
  const pending = recordPendingEdit(db, {
    groupId: group.id,
    itemId: page.id,
    authorId: input.editor.id,
    activityIri: id.href,
    baseNumber: base.number,
    title: input.title.trim(),
    bodySource: input.body,
    reason: input.reason.trim(),
  });
  const update = proposalActivity(
    id,
    page,
    {
      title: input.title.trim(),
      body: input.body,
      bodyHtml: renderMarkdown(input.body),
      reason: input.reason.trim(),
      baseRevisionIri: base.iri,
      relatedIris: relatedIris(ctx, input.related),
    },
    { group, editor: input.editor },
  );
  await ctx.sendActivity({ identifier: input.editor.handle }, recipientOf(group), update);
  log.info("Sent {editor}'s edit of {page} (based on revision {base}) to {group}", {
    editor: input.editor.iri,
    page: page.iri,
    base: base.number,
    group: group.iri,
  });
  return pending;
}

/**
 * A local member starts a page in a community that lives on another server: the page is
 * checked here, remembered as pending, and sent as a Create for the community to create and
 * announce (or reject).
 */
export async function proposeWikiPage(
  ctx: CopseContext,
  input: NewWikiPageInput,
): Promise<PendingWikiEdit> {
  const { db } = ctx.data;
  checkNewWikiPage(db, input);
  const id = newActivityIri(ctx, "wiki-page");
  const title = input.title.trim();
  const reason = input.reason?.trim() ?? "";
  const pending = recordPendingEdit(db, {
    groupId: input.group.id,
    itemId: null,
    authorId: input.author.id,
    activityIri: id.href,
    baseNumber: 0,
    title,
    bodySource: input.body,
    reason,
  });
  const create = newPageProposalActivity(
    id,
    {
      title,
      body: input.body,
      bodyHtml: renderMarkdown(input.body),
      reason,
      relatedIris: relatedIris(ctx, input.related ?? []),
    },
    { group: input.group, editor: input.author },
  );
  await ctx.sendActivity({ identifier: input.author.handle }, recipientOf(input.group), create);
  log.info("Sent {author}'s new page {title} to {group}", {
    author: input.author.iri,
    title,
    group: input.group.iri,
  });
  return pending;
}

/** The ActivityPub ids of related pages chosen by database id (which mean nothing elsewhere). */
function relatedIris(ctx: CopseContext, ids: number[]): string[] {
  return ids
    .map((relatedId) => getItem(ctx.data.db, relatedId))
    .filter((p): p is ItemRow => p?.kind === "wiki")
    .map((p) => p.iri);
}

/** The home community refuses a member's proposed edit or page, saying why (e.g. the page changed). */
export async function rejectWikiEdit(
  ctx: CopseContext,
  group: ActorRow,
  editor: ActorRow,
  update: Create | Update,
  reason: string,
): Promise<void> {
  const reject = new Reject({
    id: newActivityIri(ctx, "reject"),
    actor: new URL(group.iri),
    object: update,
    summary: reason,
    to: new URL(editor.iri),
  });
  await ctx.sendActivity({ identifier: group.handle }, recipientOf(editor), reject);
  log.info("Rejected {editor}'s edit {update}: {reason}", {
    editor: editor.iri,
    update: update.id?.href,
    reason,
  });
}

/**
 * Makes every revision of a local page dereferenceable, as the activity that made it. A
 * members-only page's revisions answer only signers allowed to read its community.
 */
export function registerWikiObjects(federation: CopseFederation): void {
  federation
    .setObjectDispatcher(Update, REVISION_PATH, (ctx, values) => {
      const found = revisionAt(ctx, values);
      return found ? (localRevisionActivity(ctx, found.page, found.revision) as Update) : null;
    })
    .authorize(async (ctx, values) => {
      const found = revisionAt(ctx, values);
      if (!found || found.page.visibility === "public") return true;
      const group = wikiGroup(ctx.data.db, found.page);
      return group ? signerMayReadGroup(ctx, group) : false;
    });
}

/** The live local page and revision a revision path names. */
function revisionAt(
  ctx: CopseContext,
  values: Record<string, string>,
): { page: ItemRow; revision: WikiRevision } | null {
  const pageIri = ctx.getObjectUri(Article, { id: values.id ?? "" }).href;
  const page = findItemByIri(ctx.data.db, pageIri);
  if (!page?.isLocal || page.kind !== "wiki" || page.deletedAt) return null;
  const number = Number(values.n);
  const revision = Number.isInteger(number) ? getRevision(ctx.data.db, page.id, number) : undefined;
  return revision ? { page, revision } : null;
}
