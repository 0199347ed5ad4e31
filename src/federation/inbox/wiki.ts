import type { InboxContext } from "@fedify/fedify";
import { type Announce, Article, Create, isActor, type Reject, Update } from "@fedify/vocab";
import { type ActorRow, findActorByIri, getActor, upsertRemoteActor } from "../../domain/actors.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { findItemByIri, type ItemRow, visibilityFor } from "../../domain/items.ts";
import { listMembers } from "../../domain/membership.ts";
import { isOwnIri } from "../../domain/provenance.ts";
import {
  applyRemoteRevision,
  awaitsRevision,
  findPendingEditByActivity,
  missingRevisionsBefore,
  rejectPendingEdit,
  setRemoteRelatedPages,
  storeRemoteWikiPage,
  wikiPageIdsByIri,
} from "../../domain/wiki/remote.ts";
import {
  createWikiPage,
  editWikiPage,
  revisionIri,
  WikiConflictError,
  wikiGroup,
} from "../../domain/wiki/wiki.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { fetchFromOrigin } from "../origin-fetch.ts";
import { remoteActorData } from "../vocab/actors.ts";
import { type RevisionFields, readProposal, readRevision } from "../vocab/wiki.ts";
import { publishWikiRevision, rejectWikiEdit } from "../wiki.ts";

const log = logger("federation", "inbox", "wiki");
type Ctx = InboxContext<ContextData>;
// A copy that missed more revisions than this fetches only the newest ones it lacks; older
// gaps stay gaps rather than letting one announcement trigger hundreds of fetches.
const MAX_BACKFILL = 50;

/**
 * A member on another server proposes an edit of a page whose community lives here. The home
 * server is the only one that numbers revisions, so it checks the editor is an active member
 * and that the edit starts from the newest revision, then stores and announces it; otherwise
 * it sends the editor a Reject saying why. Returns false for Updates of anything else.
 */
export async function onWikiUpdated(ctx: Ctx, update: Update): Promise<boolean> {
  const { db } = ctx.data;
  const page = update.objectId ? findItemByIri(db, update.objectId.href) : undefined;
  if (page?.kind !== "wiki" || !page.isLocal || !update.actorId) return false;
  const group = wikiGroup(db, page);
  const editor = findActorByIri(db, update.actorId.href);
  if (!group || !editor || editor.isLocal) {
    log.info("Ignored wiki edit {id}: {actor} is not a member here", {
      id: update.id?.href,
      actor: update.actorId.href,
    });
    return true;
  }
  // The Update is signed by the editor, and the Article it carries is their proposal, not
  // the page's content, so its id naming a page here is expected: read it as sent.
  const article = await update.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null);
  if (!(article instanceof Article)) {
    await rejectWikiEdit(ctx, group, editor, update, "The edit did not carry the page's text.");
    return true;
  }
  const proposal = await readProposal(update, article, page.iri);
  try {
    const applied = editWikiPage(db, page, {
      editor,
      title: proposal.title,
      body: proposal.body,
      reason: proposal.reason,
      related: wikiPageIdsByIri(db, group.id, proposal.relatedIris),
      baseRevision: proposal.baseNumber ?? -1,
    });
    log.info("Applied {editor}'s edit of {page} as revision {number}", {
      editor: editor.iri,
      page: page.iri,
      number: applied.revision.number,
    });
    await publishWikiRevision(ctx, applied.page, applied.revision);
  } catch (error) {
    if (error instanceof WikiConflictError) {
      const message =
        proposal.baseNumber === null
          ? `The edit did not say which revision it was based on; the page is now at revision ${error.latest.number}.`
          : `The page changed before your edit arrived: it was based on revision ${proposal.baseNumber}, but revision ${error.latest.number} ("${error.latest.reason}") is now the latest. Your edit was not applied.`;
      await rejectWikiEdit(ctx, group, editor, update, message);
    } else if (
      error instanceof ValidationError ||
      error instanceof ForbiddenError ||
      error instanceof NotFoundError
    ) {
      await rejectWikiEdit(ctx, group, editor, update, error.message);
    } else {
      throw error;
    }
  }
  return true;
}

/**
 * A member on another server proposes a new page for a community that lives here: a Create of
 * an Article without an id, attributed to the community. The home server creates the page
 * (giving it its id) and announces it, or rejects the proposal saying why. Returns false for
 * any other Create.
 */
export async function onWikiPageProposed(ctx: Ctx, create: Create): Promise<boolean> {
  const { db } = ctx.data;
  // Only a page proposal comes without an object id; anything else is ordinary content.
  if (create.objectId || !create.actorId) return false;
  const article = await create.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null);
  if (!(article instanceof Article) || !article.attributionId) return false;
  const group = findActorByIri(db, article.attributionId.href);
  if (group?.type !== "Group" || !group.isLocal) return false;
  const author = findActorByIri(db, create.actorId.href);
  if (!author || author.isLocal) {
    log.info("Ignored new page {id}: {actor} is not a member here", {
      id: create.id?.href,
      actor: create.actorId.href,
    });
    return true;
  }
  const proposal = await readProposal(create, article, null);
  try {
    const created = createWikiPage(db, ctx.origin, {
      author,
      group,
      title: proposal.title,
      body: proposal.body,
      reason: proposal.reason,
      related: wikiPageIdsByIri(db, group.id, proposal.relatedIris),
    });
    log.info("Created {page} in {group} for {author}", {
      page: created.page.iri,
      group: group.handle,
      author: author.iri,
    });
    await publishWikiRevision(ctx, created.page, created.revision);
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof ForbiddenError)) throw error;
    await rejectWikiEdit(ctx, group, author, create, error.message);
  }
  return true;
}

/**
 * A remote community refused an edit one of our people sent: the edit is marked rejected with
 * the community's reason, so its author sees it with their text. Returns false for Rejects of
 * anything else (such as membership requests).
 */
export async function onWikiEditRejected(ctx: Ctx, reject: Reject): Promise<boolean> {
  const { db } = ctx.data;
  const pending = reject.objectId ? findPendingEditByActivity(db, reject.objectId.href) : undefined;
  if (!pending) return false;
  const group = getActor(db, pending.groupId);
  if (!group || reject.actorId?.href !== group.iri) {
    log.warn("Ignored Reject {id} of wiki edit {edit}: not from its community", {
      id: reject.id?.href,
      edit: pending.activityIri,
    });
    return true;
  }
  if (pending.state !== "pending") return true;
  const summary = reject.summary?.toString().trim();
  rejectPendingEdit(
    db,
    pending.id,
    summary || "The community did not accept your edit, probably because the page changed.",
  );
  log.info("{group} rejected edit {edit}: {summary}", {
    group: group.iri,
    edit: pending.activityIri,
    summary,
  });
  return true;
}

/**
 * A remote community announces a new revision of one of its wiki pages: the copy here appends
 * it with the same number (fetching any revisions it missed first), so histories match.
 * Returns false for announcements of anything but wiki revisions.
 */
export async function onWikiAnnounced(ctx: Ctx, announce: Announce): Promise<boolean> {
  const { db } = ctx.data;
  const innerId = announce.objectId;
  // Revisions have ids ending in /revisions/N; anything else is left alone without a fetch.
  if (!innerId || !/\/revisions\/\d+$/.test(innerId.pathname)) return false;
  const group = announce.actorId ? findActorByIri(db, announce.actorId.href) : undefined;
  if (group?.type !== "Group" || group.isLocal) return false;
  // The group signed the Announce, so what it embeds from its own server is trusted as sent.
  const groupOrigin = new URL(group.iri).origin;
  if (innerId.origin !== groupOrigin) return false;
  const inner = await announce.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null);
  if (!(inner instanceof Create || inner instanceof Update)) return false;
  if (inner.objectId?.origin !== groupOrigin) return false;
  const article = await inner.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null);
  if (!(article instanceof Article) || article.attributionId?.href !== group.iri) return false;
  const fields = await readRevision(inner, article);
  if (!fields) return false;
  if (!listMembers(db, group.id).some((m) => m.member.isLocal)) {
    log.info("Ignored revision {iri}: nobody here belongs to {group}", {
      iri: fields.iri,
      group: group.iri,
    });
    return true;
  }
  await receiveRevision(ctx, group, fields);
  return true;
}

/** Applies an announced revision, first fetching from the home server any it missed. */
async function receiveRevision(ctx: Ctx, group: ActorRow, fields: RevisionFields): Promise<void> {
  const { db } = ctx.data;
  let page = findItemByIri(db, fields.pageIri);
  if (page && (page.isLocal || page.kind !== "wiki")) return;
  // Only the page's own community may add to its history.
  if (page && wikiGroup(db, page)?.id !== group.id) {
    log.warn("Ignored revision {iri}: {group} is not the page's community", {
      iri: fields.iri,
      group: group.iri,
    });
    return;
  }
  const missing = page
    ? missingRevisionsBefore(db, page, fields.number)
    : Array.from({ length: fields.number - 1 }, (_, i) => i + 1);
  const earlier: RevisionFields[] = [];
  for (const number of missing.slice(-MAX_BACKFILL)) {
    const fetched = await fetchRevision(ctx, fields.pageIri, number);
    if (fetched) earlier.push(fetched);
  }
  for (const revision of [...earlier, fields]) {
    const author = await revisionAuthor(ctx, group, page, revision);
    if (!author) {
      log.info("Skipped revision {iri}: its author {author} could not be fetched", {
        iri: revision.iri,
        author: revision.authorIri,
      });
      continue;
    }
    page ??= storeRemoteWikiPage(db, {
      iri: fields.pageIri,
      group,
      creatorId: author.id,
      title: revision.title,
      bodySource: revision.bodySource,
      bodyHtml: revision.bodyHtml,
      url: fields.url,
      visibility: fields.isPublic ? visibilityFor(db, [group]) : "members",
      publishedAt: fields.publishedAt,
    });
    const applied = applyRemoteRevision(db, page, { ...revision, authorId: author.id });
    if (applied) page = applied.page;
  }
  if (page) setRemoteRelatedPages(db, page, group.id, fields.relatedIris);
  log.info("Copied revision {number} of {page} from {group}", {
    number: fields.number,
    page: fields.pageIri,
    group: group.iri,
  });
}

/** Fetches one revision of a remote page from its home server (signed, for private pages). */
async function fetchRevision(
  ctx: Ctx,
  pageIri: string,
  number: number,
): Promise<RevisionFields | null> {
  const iri = revisionIri(pageIri, number);
  const activity = await fetchFromOrigin(ctx, new URL(iri));
  if (!(activity instanceof Create || activity instanceof Update)) return null;
  if (activity.id?.href !== iri || activity.objectId?.href !== pageIri) return null;
  const article = await activity.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null);
  return article instanceof Article ? readRevision(activity, article) : null;
}

/**
 * Who a revision is shown as by. The page belongs to its community, so the community's word on
 * who edited it is taken for people elsewhere; but one of our own people is named only for an
 * edit they really sent and that is still waiting here. A revision naming one of them falsely
 * is kept (the history's numbers must match) and shown as by the community itself.
 */
async function revisionAuthor(
  ctx: Ctx,
  group: ActorRow,
  page: ItemRow | undefined,
  revision: RevisionFields,
): Promise<ActorRow | null> {
  const { db } = ctx.data;
  const known = findActorByIri(db, revision.authorIri);
  if (known?.isLocal) {
    const sent = awaitsRevision(db, {
      pageId: page?.id ?? null,
      groupId: group.id,
      authorId: known.id,
      number: revision.number,
      baseNumber: revision.baseNumber,
      title: revision.title,
    });
    if (sent) return known;
    log.warn("Revision {iri} names {author}, who sent no such edit; shown as by {group}", {
      iri: revision.iri,
      author: known.iri,
      group: group.iri,
    });
    return group;
  }
  if (known) return known;
  if (isOwnIri(revision.authorIri, ctx.data.config.origin)) return group;
  const actor = await fetchFromOrigin(ctx, new URL(revision.authorIri));
  const data = isActor(actor) ? remoteActorData(actor) : null;
  return data ? upsertRemoteActor(db, data) : null;
}
