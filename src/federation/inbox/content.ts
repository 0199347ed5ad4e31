import type { InboxContext } from "@fedify/fedify";
import {
  type Announce,
  type Object as APObject,
  type Create,
  Create as CreateActivity,
  type Delete,
  Delete as DeleteActivity,
  isActor,
  type Update,
  Update as UpdateActivity,
} from "@fedify/vocab";
import {
  type ActorRow,
  findActorByIri,
  findFreshRemoteActor,
  getActor,
  upsertRemoteActor,
} from "../../domain/actors.ts";
import { addItemGroups } from "../../domain/blog.ts";
import { acceptsContributions } from "../../domain/community-state.ts";
import { saveRemoteDocument } from "../../domain/documents.ts";
import {
  applyRemoteEdit,
  findItemByIri,
  groupsOfItem,
  type ItemRow,
  insertItem,
  removeItemFromGroup,
  threadIsLocked,
  tombstoneItem,
  visibilityFor,
} from "../../domain/items.ts";
import { isActiveMember, listMembers } from "../../domain/membership.ts";
import { mayStartThread } from "../../domain/moderation/announcement.ts";
import { authorshipProblem } from "../../domain/provenance.ts";
import { saveRemoteHashtags } from "../../domain/tags.ts";
import { logger } from "../../logging.ts";
import { announceNewPost } from "../announces.ts";
import type { ContextData } from "../context.ts";
import { keepRemoteMedia } from "../item-images.ts";
import { recordInboundMentions } from "../mentions.ts";
import { askOrigin, fetchFromOrigin } from "../origin-fetch.ts";
import { announceToMembers } from "../publish.ts";
import { remoteActorData } from "../vocab/actors.ts";
import { remoteDocumentOf } from "../vocab/documents.ts";
import { hashtagsOf } from "../vocab/hashtags.ts";
import { isContentObject, type RemoteItemData, remoteItemData } from "../vocab/items.ts";
import { onPersonDeleted } from "./actors.ts";
import { storeRemoteEventDetails } from "./events.ts";
import { onFacilitatorRemoval } from "./facilitator-acts.ts";
import { onGroupDeleted } from "./group-deleted.ts";
import { onVoteAnnounced } from "./likes.ts";
import { onDirectMessage } from "./messages.ts";
import { onModerationAnnounced } from "./moderation.ts";
import { onPollVote, storeRemotePoll } from "./polls.ts";
import { onRatingNote, storeRatingAggregate } from "./ratings.ts";
import { onWikiAnnounced, onWikiPageProposed } from "./wiki.ts";

const log = logger("federation", "inbox", "content");
// How far up a thread Copse fetches missing posts before giving up on a reply.
const MAX_ANCESTOR_FETCHES = 5;
type Ctx = InboxContext<ContextData>;

/**
 * Stores (or refreshes) the author of remote content, fetching their actor document unless a
 * copy fetched within the hour is stored (REMOTE_ACTOR_FRESH_MS). Never answers with a local
 * person: their content comes only from this instance's database.
 */
async function storeAuthor(ctx: Ctx, iri: string): Promise<ActorRow | null> {
  const fresh = findFreshRemoteActor(ctx.data.db, iri);
  if (fresh) return fresh;
  const known = findActorByIri(ctx.data.db, iri);
  if (known?.isLocal) return null;
  const actor = await fetchFromOrigin(ctx, new URL(iri));
  const data = isActor(actor) ? remoteActorData(actor) : null;
  return data ? upsertRemoteActor(ctx.data.db, data) : (known ?? null);
}

/** The local groups an incoming object is addressed to (or whose thread it answers). */
function localGroupsFor(ctx: Ctx, data: RemoteItemData, parent: ItemRow | undefined): ActorRow[] {
  if (parent) return groupsOfItem(ctx.data.db, parent.id).filter((g) => g.isLocal);
  return data.addressees
    .map((iri) => findActorByIri(ctx.data.db, iri))
    .filter((a): a is ActorRow => a?.type === "Group" && a.isLocal);
}

/**
 * The copy already stored of an arriving post, if any: a blog entry in several communities is
 * announced by each, so it is listed in every one the arriving copy names.
 */
function alreadyStored(
  ctx: Ctx,
  data: { iri: string; addressees: string[] },
  groups: ActorRow[] | null,
): ItemRow | undefined {
  const existing = findItemByIri(ctx.data.db, data.iri);
  if (!existing) return undefined;
  const named = (groups ?? []).filter((g) => data.addressees.includes(g.iri)).map((g) => g.id);
  if (!existing.isLocal && !existing.parentId && named.length > 0) {
    addItemGroups(ctx.data.db, existing.id, named);
  }
  return existing;
}

/**
 * Stores a remote Note, Page or Article in the given groups. The author must be an active
 * member of each local group; a reply must answer something we hold.
 */
async function storeRemoteContent(
  ctx: Ctx,
  object: APObject,
  groups: ActorRow[] | null,
  depth = 0,
): Promise<ItemRow | null> {
  const data = remoteItemData(object);
  if (!data?.authorIri) return null;
  const existing = alreadyStored(ctx, data, groups);
  if (existing) return existing;
  // The one rule for everything that arrives: the author lives where the object lives, and
  // neither is here (src/domain/provenance.ts).
  const forged = authorshipProblem(data.iri, data.authorIri, ctx.data.config.origin);
  if (forged) {
    log.warn("Refused {id}: {problem}", { id: data.iri, problem: forged });
    return null;
  }
  let parent = data.inReplyTo ? findItemByIri(ctx.data.db, data.inReplyTo) : undefined;
  if (data.inReplyTo && !parent && depth < MAX_ANCESTOR_FETCHES) {
    // Deliveries race: an answer can arrive before what it answers. Fetch the missing post
    // from its own server (as announced by the same group) and store it first.
    const missing = await fetchFromOrigin(ctx, new URL(data.inReplyTo));
    if (isContentObject(missing)) {
      parent = (await storeRemoteContent(ctx, missing, groups, depth + 1)) ?? undefined;
    }
  }
  if (data.inReplyTo && !parent) {
    log.info("Ignored {id}: it answers {parent}, which is not here", {
      id: data.iri,
      parent: data.inReplyTo,
    });
    return null;
  }
  if (parent && threadIsLocked(ctx.data.db, parent)) {
    log.info("Ignored {id}: its topic is locked", { id: data.iri });
    return null;
  }
  const targets = groups ?? localGroupsFor(ctx, data, parent);
  if (targets.length === 0) {
    log.info("Ignored {id}: not addressed to a community here", { id: data.iri });
    return null;
  }
  const author = await storeAuthor(ctx, data.authorIri);
  if (!author) return null;
  // A closed community takes nothing new, from its members either.
  const outsiders = targets.filter(
    (g) =>
      g.isLocal &&
      (!isActiveMember(ctx.data.db, g.id, author.id) || !acceptsContributions(ctx.data.db, g.id)),
  );
  if (outsiders.length > 0) {
    log.info("Ignored {id}: {author} is not a member of {group}", {
      id: data.iri,
      author: author.iri,
      group: outsiders[0]!.iri,
    });
    return null;
  }
  // An announcement-only community takes new threads from its facilitators only.
  const closed = parent
    ? undefined
    : targets.find((g) => g.isLocal && !mayStartThread(ctx.data.db, g.id, author.id));
  if (closed) {
    log.warn("Refused {id}: {group} is announcement-only and {author} is not a facilitator", {
      id: data.iri,
      group: closed.iri,
      author: author.iri,
    });
    return null;
  }
  const visibility = parent
    ? parent.visibility
    : data.isPublic
      ? visibilityFor(ctx.data.db, targets)
      : "members";
  // A post sharing a file joins the document library (src/federation/vocab/documents.ts);
  // an Article whose thread lives in the community is a forum topic (FEDERATION.md).
  const attached = await remoteDocumentOf(object);
  const isTopic = data.forumAudience.some((iri) => targets.some((g) => g.iri === iri));
  // The same post often arrives twice at once (as a Create and as a group's Announce); the
  // other copy may have been stored while this one awaited its author or attachment. Nothing
  // is awaited between this check and the insert, so exactly one of them writes it.
  const stored = alreadyStored(ctx, data, groups);
  if (stored) return stored;
  const item = insertItem(ctx.data.db, {
    kind: attached ? "document" : isTopic ? "topic" : data.kind,
    iri: data.iri,
    authorId: author.id,
    groupIds: targets.map((g) => g.id),
    parentId: parent?.id ?? null,
    title: data.title,
    summary: data.summary,
    bodyHtml: data.bodyHtml,
    url: data.url,
    visibility,
    isLocal: false,
    publishedAt: data.publishedAt,
    updatedAt: data.updatedAt,
  });
  if (attached) saveRemoteDocument(ctx.data.db, item.id, attached);
  if (attached) await storeRatingAggregate(ctx, item);
  // A link post's link and its pictures (copied here later, src/federation/item-images.ts).
  await keepRemoteMedia(ctx.data.db, item.id, object);
  saveRemoteHashtags(ctx.data.db, item, await hashtagsOf(object), author.id);
  await recordInboundMentions(ctx, item, object);
  await storeRemoteEventDetails(ctx, item, object);
  await storeRemotePoll(ctx, item, object);
  return item;
}

/** A member (or a Mastodon user mentioning the group) posts to a community hosted here. */
export async function onCreated(ctx: Ctx, create: Create): Promise<void> {
  // A poll vote or a document's rating is addressed to one person, like a direct message,
  // and answers a post.
  if (await onPollVote(ctx, create)) return;
  if (await onRatingNote(ctx, create)) return;
  if (await onDirectMessage(ctx, create)) return;
  if (await onWikiPageProposed(ctx, create)) return;
  const actorId = create.actorId;
  if (!actorId || !create.objectId) return;
  // The object must come from the signer's own server; otherwise it is fetched from its origin.
  const embedded =
    create.objectId.origin === actorId.origin
      ? await create.getObject(ctx)
      : await fetchFromOrigin(ctx, create.objectId);
  if (!isContentObject(embedded)) {
    log.info("Ignored Create of {type}: not content Copse keeps", {
      type: embedded?.constructor.name,
    });
    return;
  }
  if (embedded.attributionId?.href !== actorId.href) {
    log.warn("Ignored Create {id}: its actor is not the object's author", { id: create.id?.href });
    return;
  }
  const item = await storeRemoteContent(ctx, embedded, null);
  if (!item || item.isLocal) return;
  // Every local group the post belongs to passes it on to its other members in both forms
  // (src/federation/announces.ts): the Create as received, holding the object as it came from
  // its author's server (Lemmy reads only that), and the object by id, which Mastodon fetches.
  const relayed = new CreateActivity({
    id: create.id ?? null,
    actor: actorId,
    object: embedded,
    tos: create.toIds,
    ccs: create.ccIds,
    published: create.published,
  });
  for (const group of groupsOfItem(ctx.data.db, item.id).filter((g) => g.isLocal)) {
    await announceNewPost(ctx, group, item, relayed, new URL(item.iri));
  }
}

/** Whether an actor may change an item: its author, or (for deletions) one of its groups. */
function mayChange(ctx: Ctx, item: ItemRow, actorIri: string): boolean {
  const actor = findActorByIri(ctx.data.db, actorIri);
  if (!actor) return false;
  if (actor.id === item.authorId) return true;
  return groupsOfItem(ctx.data.db, item.id).some(
    (g) =>
      g.id === actor.id ||
      (g.isLocal &&
        listMembers(ctx.data.db, g.id).some(
          (m) => m.member.id === actor.id && m.membership.role === "facilitator",
        )),
  );
}

/** Applies a remote edit of content we hold, if its author (as fetched from origin) agrees. */
async function applyUpdate(ctx: Ctx, item: ItemRow, actorIri: string): Promise<ItemRow | null> {
  if (item.isLocal || item.deletedAt) return null;
  const fresh = await fetchFromOrigin(ctx, new URL(item.iri));
  const data = fresh ? remoteItemData(fresh) : null;
  if (!data || data.authorIri !== getActor(ctx.data.db, item.authorId)?.iri) return null;
  if (actorIri !== data.authorIri && !mayChange(ctx, item, actorIri)) return null;
  // An event's new time and place come with it (src/federation/inbox/events.ts).
  if (fresh) await storeRemoteEventDetails(ctx, item, fresh);
  if (fresh) await storeRemotePoll(ctx, item, fresh);
  if (fresh) saveRemoteHashtags(ctx.data.db, item, await hashtagsOf(fresh), item.authorId);
  if (fresh) await keepRemoteMedia(ctx.data.db, item.id, fresh);
  await storeRatingAggregate(ctx, item);
  return applyRemoteEdit(ctx.data.db, item, {
    title: data.title,
    summary: data.summary,
    bodyHtml: data.bodyHtml,
    url: data.url,
    updatedAt: data.updatedAt,
  });
}

/** An author edits content we hold; local groups pass the edit on. */
export async function onContentUpdated(ctx: Ctx, update: Update): Promise<boolean> {
  const item = update.objectId ? findItemByIri(ctx.data.db, update.objectId.href) : undefined;
  if (!item || !update.actorId) return false;
  if (!mayChange(ctx, item, update.actorId.href)) {
    log.warn("Refused Update of {item} by {actor}: not its author", {
      item: item.iri,
      actor: update.actorId.href,
    });
    return true;
  }
  const updated = await applyUpdate(ctx, item, update.actorId.href);
  if (!updated) return true;
  for (const group of groupsOfItem(ctx.data.db, item.id).filter((g) => g.isLocal)) {
    await announceToMembers(ctx, group, update, item.visibility);
  }
  return true;
}

/** An author (or a moderator of its community) deletes content we hold. */
export async function onDeleted(ctx: Ctx, del: Delete): Promise<void> {
  // Delete{Group}: a remote community deleted by its own server (inbox/group-deleted.ts). It
  // comes first, because a group deleting itself also has object = actor, as a person does.
  if (onGroupDeleted(ctx, del)) return;
  // Delete{Person}: an account deleted on its own server (src/federation/inbox/actors.ts).
  if (del.objectId && del.objectId.href === del.actorId?.href) return onPersonDeleted(ctx, del);
  // A facilitator's removal (a Delete with a reason) of an item in a community hosted here.
  if (await onFacilitatorRemoval(ctx, del)) return;
  const item = del.objectId ? findItemByIri(ctx.data.db, del.objectId.href) : undefined;
  if (!item || !del.actorId) {
    log.debug("Ignored Delete of {object}: not held here", { object: del.objectId?.href });
    return;
  }
  if (item.isLocal || !mayChange(ctx, item, del.actorId.href)) {
    log.warn("Refused Delete of {item} by {actor}", { item: item.iri, actor: del.actorId.href });
    return;
  }
  tombstoneItem(ctx.data.db, item);
  for (const group of groupsOfItem(ctx.data.db, item.id).filter((g) => g.isLocal)) {
    await announceToMembers(ctx, group, del, item.visibility);
  }
}

/**
 * A remote community we belong to passes on a post, edit or deletion. We trust the group only
 * for *which* object it is about: the object's content is taken from its own server.
 */
export async function onAnnounced(ctx: Ctx, announce: Announce): Promise<void> {
  if (await onWikiAnnounced(ctx, announce)) return;
  const sender = announce.actorId ? findActorByIri(ctx.data.db, announce.actorId.href) : undefined;
  const group = sender?.type === "Group" && !sender.isLocal ? sender : undefined;
  const inner = group
    ? await announce.getObject({ ...ctx, crossOrigin: "trust" }).catch(() => null)
    : null;
  // Moderation is asked about first: lifting a ban must reach people who are not members now,
  // and each handler checks that what it changes belongs to the announcing group.
  if (group && (await onModerationAnnounced(ctx, group, inner, announce))) return;
  if (!group || !hasLocalMembers(ctx, group)) {
    log.info("Ignored Announce {id}: not from a community our people belong to", {
      id: announce.id?.href,
    });
    return;
  }
  if (await onVoteAnnounced(ctx, group, inner)) return;
  if (inner instanceof DeleteActivity) {
    await onDeleteAnnounced(ctx, group, inner);
    return;
  }
  if (inner instanceof UpdateActivity) {
    const item = inner.objectId ? findItemByIri(ctx.data.db, inner.objectId.href) : undefined;
    if (item && inner.actorId) await applyUpdate(ctx, item, inner.actorId.href);
    return;
  }
  // Announce{Create{X}} (Lemmy, NodeBB) or Announce{X} (Copse, PeerTube, WordPress).
  const objectId =
    inner && "objectId" in inner && !isContentObject(inner)
      ? (inner as Create).objectId
      : inner?.id;
  if (!objectId) return;
  const sameOrigin = objectId.origin === new URL(group.iri).origin;
  const object =
    sameOrigin && isContentObject(inner) ? inner : await fetchFromOrigin(ctx, objectId);
  if (!isContentObject(object)) {
    log.info("Ignored Announce {id} of {type}", {
      id: announce.id?.href,
      type: object?.constructor.name,
    });
    return;
  }
  const data = remoteItemData(object);
  const parent = data?.inReplyTo ? findItemByIri(ctx.data.db, data.inReplyTo) : undefined;
  await storeRemoteContent(
    ctx,
    object,
    parent ? groupsOfItem(ctx.data.db, parent.rootId ?? parent.id) : [group],
  );
}

/**
 * A remote community passes on a deletion. The community may take content out of itself (its
 * moderators' business); anything else goes only when the object's own server says it is gone.
 * A server that cannot be reached, or answers 401 or 500, has deleted nothing.
 */
async function onDeleteAnnounced(ctx: Ctx, group: ActorRow, del: Delete): Promise<void> {
  const item = del.objectId ? findItemByIri(ctx.data.db, del.objectId.href) : undefined;
  if (!item || item.deletedAt) return;
  if (item.isLocal) {
    log.warn("Refused {group}'s Delete of {item}: content of ours is deleted only here", {
      group: group.iri,
      item: item.iri,
    });
    return;
  }
  const answer = await askOrigin(ctx, new URL(item.iri));
  if (answer.kind === "gone") {
    tombstoneItem(ctx.data.db, item);
    return;
  }
  if (groupsOfItem(ctx.data.db, item.id).some((g) => g.id === group.id)) {
    removeItemFromGroup(ctx.data.db, item, group.id);
    log.info("{group} removed {item} from itself", { group: group.iri, item: item.iri });
    return;
  }
  log.warn(
    "Refused {group}'s Delete of {item}: not in that community, and its origin says {kind}",
    {
      group: group.iri,
      item: item.iri,
      kind: answer.kind,
    },
  );
}

function hasLocalMembers(ctx: Ctx, group: ActorRow): boolean {
  return listMembers(ctx.data.db, group.id).some((m) => m.member.isLocal);
}
