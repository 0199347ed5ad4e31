import { Article, Create, Link, Mention, PUBLIC_COLLECTION, Source, Update } from "@fedify/vocab";
import type { ActorRow } from "../../domain/actors.ts";
import { cleanHtml, htmlToPlainText } from "../../domain/html.ts";
import type { ImageInText } from "../../domain/images/uploads.ts";
import type { ItemRow } from "../../domain/items.ts";
import { itemPagePath } from "../../domain/paths.ts";
import { revisionNumberOf, type WikiRevision } from "../../domain/wiki/wiki.ts";
import { addressing } from "./items.ts";
import { pictureAttachments } from "./pictures.ts";

// How wiki pages and their edits look in ActivityStreams.
//
// A page is an `Article` attributed to its community (the Group), not to whoever wrote it,
// because everyone in the community edits it. Each revision is the activity that made it: a
// `Create` for the first, an `Update` for the rest, with `actor` = the editor and `summary` =
// the reason for the update. The activity's id is the revision's own dereferenceable id,
// `${pageIri}/revisions/${number}`, which gives receivers the revision number.
//
// ActivityStreams has no property for "the version this edit was based on", and Fedify's
// vocabulary cannot carry custom properties. An Activity's `target` is a standard property that
// Fedify builds and parses, so an Update's `target` names the revision the edit started from.
// The home server compares it with its newest revision to detect conflicting edits. Related
// pages are `Link`s with `rel="related"` in the Article's `tag`.

const RELATED_REL = "related";

/** The text of one version of a page, as the Article of that version shows it. */
export interface WikiSnapshot {
  title: string;
  bodySource: string | null;
  bodyHtml: string;
  updatedAt: Date;
}

/** Builds the Article of a page as it stood at some revision. */
export function wikiArticle(
  page: ItemRow,
  snapshot: WikiSnapshot,
  ctx: { group: ActorRow; related: ItemRow[]; origin: string; pictures?: ImageInText[] },
): Article {
  const { tos, ccs } = addressing(page, [ctx.group]);
  return new Article({
    id: new URL(page.iri),
    attribution: new URL(ctx.group.iri),
    name: snapshot.title,
    content: snapshot.bodyHtml,
    mediaType: "text/html",
    source: snapshot.bodySource
      ? new Source({ content: snapshot.bodySource, mediaType: "text/markdown" })
      : null,
    url: page.isLocal ? new URL(itemPagePath(page, ctx.group), ctx.origin) : null,
    published: Temporal.Instant.fromEpochMilliseconds(page.publishedAt.getTime()),
    updated: Temporal.Instant.fromEpochMilliseconds(snapshot.updatedAt.getTime()),
    tos,
    ccs,
    audience: new URL(ctx.group.iri),
    tags: [
      new Mention({ href: new URL(ctx.group.iri), name: `@${ctx.group.handle}@${ctx.group.host}` }),
      ...ctx.related.map(
        (p) => new Link({ href: new URL(p.iri), rel: RELATED_REL, name: p.title }),
      ),
    ],
    // Pictures the text shows, for Mastodon (src/federation/vocab/pictures.ts).
    attachments:
      page.visibility === "public" ? pictureAttachments(ctx.pictures ?? [], ctx.origin) : [],
  });
}

/** The activity that made a revision: Create for the first, Update (with its base) after. */
export function revisionActivity(
  page: ItemRow,
  revision: WikiRevision,
  ctx: {
    group: ActorRow;
    author: ActorRow;
    related: ItemRow[];
    origin: string;
    previous: WikiRevision | undefined;
    pictures?: ImageInText[];
  },
): Create | Update {
  const { tos, ccs } = addressing(page, [ctx.group]);
  const values = {
    id: new URL(revision.iri),
    actor: new URL(ctx.author.iri),
    object: wikiArticle(
      page,
      {
        title: revision.title,
        bodySource: revision.bodySource,
        bodyHtml: revision.bodyHtml,
        updatedAt: revision.createdAt,
      },
      ctx,
    ),
    summary: revision.reason,
    published: Temporal.Instant.fromEpochMilliseconds(revision.createdAt.getTime()),
    tos,
    ccs,
  };
  return revision.number === 1 || !ctx.previous
    ? new Create(values)
    : new Update({ ...values, target: new URL(ctx.previous.iri) });
}

/** What a member proposes for a page of a community hosted elsewhere. */
export interface WikiProposal {
  title: string;
  body: string;
  reason: string;
  baseRevisionIri: string;
  relatedIris: string[];
}

/** Builds the Update a member's server sends to a page's community to propose an edit. */
export function proposalActivity(
  id: URL,
  page: ItemRow,
  proposal: WikiProposal & { bodyHtml: string },
  ctx: { group: ActorRow; editor: ActorRow },
): Update {
  return new Update({
    id,
    actor: new URL(ctx.editor.iri),
    object: new Article({
      id: new URL(page.iri),
      attribution: new URL(ctx.group.iri),
      name: proposal.title,
      content: proposal.bodyHtml,
      mediaType: "text/html",
      source: new Source({ content: proposal.body, mediaType: "text/markdown" }),
      tags: proposal.relatedIris.map((iri) => new Link({ href: new URL(iri), rel: RELATED_REL })),
    }),
    summary: proposal.reason,
    target: new URL(proposal.baseRevisionIri),
    published: Temporal.Now.instant(),
    to: new URL(ctx.group.iri),
  });
}

/**
 * Builds the Create a member's server sends to propose a new page. Its Article has no id:
 * the community's home server gives the page one when it accepts it, and the missing id is
 * what tells a wiki page proposal from any other Create.
 */
export function newPageProposalActivity(
  id: URL,
  proposal: Omit<WikiProposal, "baseRevisionIri"> & { bodyHtml: string },
  ctx: { group: ActorRow; editor: ActorRow },
): Create {
  return new Create({
    id,
    actor: new URL(ctx.editor.iri),
    object: new Article({
      attribution: new URL(ctx.group.iri),
      name: proposal.title,
      content: proposal.bodyHtml,
      mediaType: "text/html",
      source: new Source({ content: proposal.body, mediaType: "text/markdown" }),
      tags: proposal.relatedIris.map((iri) => new Link({ href: new URL(iri), rel: RELATED_REL })),
      to: new URL(ctx.group.iri),
    }),
    summary: proposal.reason || null,
    published: Temporal.Now.instant(),
    to: new URL(ctx.group.iri),
  });
}

/** The ids of the pages an Article lists as related. */
export async function relatedIrisOf(article: Article): Promise<string[]> {
  const iris: string[] = [];
  // Related pages are embedded Links, so reading them fetches nothing.
  for await (const tag of article.getTags({ suppressError: true, crossOrigin: "trust" })) {
    if (tag instanceof Link && tag.href && tag.rels.includes(RELATED_REL)) iris.push(tag.href.href);
  }
  return iris;
}

/** Markdown of an Article: its source when it has one, else the plain text of its HTML. */
function markdownOf(article: Article): string | null {
  const source = article.source;
  if (source?.content && (source.mediaType ?? "text/markdown") === "text/markdown") {
    return source.content.toString();
  }
  return null;
}

/**
 * Reads a member's proposed edit (an Update of a page) or new page (a Create) sent to a
 * community; a new page has no page id and no base revision.
 */
export async function readProposal(
  update: Create | Update,
  article: Article,
  pageIri: string | null,
): Promise<{
  title: string;
  body: string;
  reason: string;
  baseNumber: number | null;
  relatedIris: string[];
}> {
  const html = cleanHtml(article.content?.toString() ?? "");
  return {
    title: article.name?.toString().trim() ?? "",
    body: markdownOf(article) ?? htmlToPlainText(html),
    reason: htmlToPlainText(update.summary?.toString() ?? ""),
    baseNumber: pageIri && update.targetId ? revisionNumberOf(pageIri, update.targetId.href) : null,
    relatedIris: await relatedIrisOf(article),
  };
}

/** A revision as a page's home server published it. */
export interface RevisionFields {
  pageIri: string;
  number: number;
  iri: string;
  title: string;
  bodySource: string | null;
  bodyHtml: string;
  reason: string;
  authorIri: string;
  createdAt: Date;
  baseNumber: number | null;
  relatedIris: string[];
  url: string | null;
  publishedAt: Date;
  isPublic: boolean;
}

/**
 * Reads a revision from the activity that made it (whose id names the revision) and its
 * Article. Null when the activity is not a revision of that Article.
 */
export async function readRevision(
  activity: Create | Update,
  article: Article,
): Promise<RevisionFields | null> {
  if (!activity.id || !article.id || !activity.actorId) return null;
  const pageIri = article.id.href;
  const number = revisionNumberOf(pageIri, activity.id.href);
  if (number === null) return null;
  const addressees = [...article.toIds, ...article.ccIds, ...activity.toIds, ...activity.ccIds];
  const when = activity.published ?? article.updated;
  const url = article.url instanceof URL ? article.url.href : (article.url?.href?.href ?? null);
  return {
    pageIri,
    number,
    iri: activity.id.href,
    title: (article.name?.toString().trim() || "Untitled").slice(0, 200),
    bodySource: markdownOf(article),
    bodyHtml: cleanHtml(article.content?.toString() ?? ""),
    reason: htmlToPlainText(activity.summary?.toString() ?? "").slice(0, 300),
    authorIri: activity.actorId.href,
    createdAt: when ? new Date(when.epochMilliseconds) : new Date(),
    baseNumber:
      activity instanceof Update && activity.targetId
        ? revisionNumberOf(pageIri, activity.targetId.href)
        : null,
    relatedIris: await relatedIrisOf(article),
    url,
    publishedAt: article.published ? new Date(article.published.epochMilliseconds) : new Date(),
    isPublic: addressees.some((a) => a.href === PUBLIC_COLLECTION.href),
  };
}
