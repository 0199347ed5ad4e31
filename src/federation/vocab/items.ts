import {
  type Object as APObject,
  Article,
  Event,
  Mention,
  Note,
  Page,
  PUBLIC_COLLECTION,
  Question,
  Source,
} from "@fedify/vocab";
import type { ActorRow } from "../../domain/actors.ts";
import type { EventRow } from "../../domain/events/events.ts";
import { cleanHtml, htmlToPlainText } from "../../domain/html.ts";
import type { ImageInText } from "../../domain/images/uploads.ts";
import type { ItemKind, ItemRow } from "../../domain/items.ts";
import { entryPagePath, itemPagePath } from "../../domain/paths.ts";
import type { PollResults } from "../../domain/polls/polls.ts";
import { eventObject } from "./events.ts";
import { hashtagObjects } from "./hashtags.ts";
import { pictureAttachments } from "./pictures.ts";
import { pollBodyHtml, pollQuestion } from "./polls.ts";

/** What an item's ActivityStreams object needs besides the item itself. */
export interface ItemContext {
  author: ActorRow;
  groups: ActorRow[];
  parent: ItemRow | undefined;
  root: ItemRow | undefined;
  origin: string;
  /** An event's time and place (events only; see src/federation/vocab/events.ts). */
  event?: EventRow | undefined;
  /** A poll's settings and totals (polls only; see src/federation/vocab/polls.ts). */
  poll?: PollResults | undefined;
  /** The item's folksonomy tags, sent as Hashtags (src/domain/tags.ts). */
  hashtags?: string[];
  /** The people the item mentions (src/domain/mentions.ts), sent as Mention tags. */
  mentioned?: ActorRow[];
  /** Pictures uploaded here that the text shows, sent as attachments of a public item. */
  pictures?: ImageInText[];
}

/**
 * Addressing per FEP-1b12: public items go to everyone with the groups named; members-only
 * items go to the groups and their followers (the members) and never to Public. People a
 * public item mentions are in `cc`, as Mastodon does; a members-only item names nobody else.
 */
export function addressing(
  item: ItemRow,
  groups: ActorRow[],
  mentioned: ActorRow[] = [],
): { tos: URL[]; ccs: URL[] } {
  const groupIds = groups.map((g) => new URL(g.iri));
  const followers = groups.filter((g) => g.followersUrl).map((g) => new URL(g.followersUrl!));
  return item.visibility === "public"
    ? {
        tos: [PUBLIC_COLLECTION, ...groupIds],
        ccs: [...followers, ...mentioned.map((p) => new URL(p.iri))],
      }
    : { tos: [...groupIds, ...followers], ccs: [] };
}

/** Builds the ActivityStreams object for a local item: Page, Note or Article. */
export function itemObject(item: ItemRow, ctx: ItemContext): APObject {
  const { tos, ccs } = addressing(item, ctx.groups, ctx.mentioned);
  const firstGroup = ctx.groups[0];
  const values = {
    id: new URL(item.iri),
    attribution: new URL(ctx.author.iri),
    content: item.bodyHtml,
    mediaType: "text/html",
    source: item.bodySource
      ? new Source({ content: item.bodySource, mediaType: "text/markdown" })
      : null,
    // An entry's page is on its author's blog; a comment's is on its entry's page.
    url:
      item.kind === "entry"
        ? new URL(entryPagePath(ctx.author.handle, item.id), ctx.origin)
        : firstGroup
          ? new URL(itemPagePath(item, firstGroup, ctx.root?.kind), ctx.origin)
          : null,
    published: Temporal.Instant.fromEpochMilliseconds(item.publishedAt.getTime()),
    updated:
      item.updatedAt.getTime() !== item.publishedAt.getTime()
        ? Temporal.Instant.fromEpochMilliseconds(item.updatedAt.getTime())
        : null,
    tos,
    ccs,
    audience: firstGroup ? new URL(firstGroup.iri) : null,
    // The thread is named by its first item (FEP-7888's `context`).
    contexts: [new URL(ctx.root?.iri ?? item.iri)],
    replyTarget: ctx.parent ? new URL(ctx.parent.iri) : null,
    // Mentioning the groups makes Mastodon show the post in the group's context and lets
    // other servers route it.
    tags: [
      ...ctx.groups.map(
        (g) => new Mention({ href: new URL(g.iri), name: `@${g.handle}@${g.host}` }),
      ),
      ...(ctx.mentioned ?? []).map(
        (p) => new Mention({ href: new URL(p.iri), name: `@${p.handle}@${p.host}` }),
      ),
      ...hashtagObjects(ctx.origin, ctx.hashtags ?? []),
    ],
    attachments:
      item.visibility === "public" ? pictureAttachments(ctx.pictures ?? [], ctx.origin) : [],
  };
  switch (item.kind) {
    case "topic":
      return new Page({ ...values, name: item.title });
    case "reply":
      return new Note(values);
    case "event":
      return eventObject(values, item.title, ctx.event);
    case "poll":
      return pollQuestion(values, item, ctx.poll);
    default:
      return new Article({ ...values, name: item.title, summary: item.summary || null });
  }
}

/** What Copse keeps of a remote Note, Page or Article. */
export interface RemoteItemData {
  kind: ItemKind;
  iri: string;
  title: string;
  summary: string;
  bodyHtml: string;
  url: string | null;
  publishedAt: Date;
  updatedAt: Date;
  authorIri: string | null;
  inReplyTo: string | null;
  /** Every id the object is addressed to (to, cc, audience), to find its groups. */
  addressees: string[];
  /**
   * For an Article from forum software, the communities it names as its thread's home: in
   * one of those it is a forum topic, not a blog entry (see forumAudienceOf).
   */
  forumAudience: string[];
  isPublic: boolean;
}

const TITLE_FROM_TEXT_MAX = 120;

/**
 * Maps a remote object to an item. A Page or Article with a name starts a topic or entry; a
 * Note that answers nothing starts a topic whose title is its first line (Mastodon users
 * start topics by mentioning the group); anything answering another object is a reply.
 */
export function remoteItemData(object: APObject): RemoteItemData | null {
  if (!object.id) return null;
  if (!isContentObject(object)) return null;
  const bodyHtml = cleanHtml(object.content?.toString() ?? "", object.id.href);
  const inReplyTo = object.replyTargetId?.href ?? null;
  const name = object.name?.toString().trim() ?? "";
  let kind: ItemKind;
  let title = name;
  if (inReplyTo) kind = "reply";
  else if (object instanceof Event) kind = "event";
  else if (object instanceof Question) kind = "poll";
  else if (object instanceof Article) kind = "entry";
  else kind = "topic";
  if (kind === "event" && !title) title = "Untitled event";
  if ((kind === "topic" || kind === "poll") && !title) {
    // Mastodon's text starts with the mention of the group; drop leading mentions.
    const text = htmlToPlainText(bodyHtml).replace(/^(\s*@[\w.-]+(@[\w.:-]+)?)+\s*/, "");
    title = (text.split("\n")[0] ?? "").slice(0, TITLE_FROM_TEXT_MAX).trim() || "Untitled";
  }
  const url = object.url instanceof URL ? object.url.href : (object.url?.href?.href ?? null);
  const published = object.published ? new Date(object.published.epochMilliseconds) : new Date();
  const addressees = [...object.toIds, ...object.ccIds, ...object.audienceIds].map((u) => u.href);
  return {
    kind,
    iri: object.id.href,
    title: title.slice(0, 200),
    summary: object.summary ? htmlToPlainText(object.summary.toString()).slice(0, 1000) : "",
    bodyHtml: kind === "poll" ? pollBodyHtml(bodyHtml, title) : bodyHtml,
    url,
    publishedAt: published,
    updatedAt: object.updated ? new Date(object.updated.epochMilliseconds) : published,
    authorIri: object.attributionId?.href ?? null,
    inReplyTo,
    addressees,
    forumAudience: forumAudienceOf(object),
    isPublic:
      addressees.includes(PUBLIC_COLLECTION.href) ||
      addressees.includes("as:Public") ||
      addressees.includes("Public"),
  };
}

/**
 * The communities an Article names as the home of the thread it starts, when it names one:
 * forum software (NodeBB, Discourse) sends a new topic as an Article with `audience` the
 * community (FEP-1b12) and `context` a thread that is not the Article itself (FEP-7888:
 * NodeBB's /topic/1 for the post /post/1). Blogs differ: a Copse entry's thread is itself,
 * and WordPress names its own blog as the audience, not the community it reaches.
 */
function forumAudienceOf(object: APObject): string[] {
  if (!(object instanceof Article)) return [];
  const thread = object.contextIds[0]?.href;
  const id = object.id?.href;
  if (!thread || !id || thread === id || thread.startsWith(`${id}#`)) return [];
  return object.audienceIds.map((u) => u.href);
}

/** Whether an object is a kind of content Copse stores. */
export function isContentObject(
  object: unknown,
): object is Note | Page | Article | Event | Question {
  return (
    object instanceof Note ||
    object instanceof Page ||
    object instanceof Article ||
    object instanceof Event ||
    object instanceof Question
  );
}
