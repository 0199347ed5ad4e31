import {
  type Activity,
  type Object as APObject,
  Create,
  Delete,
  Tombstone,
  Update,
} from "@fedify/vocab";
import { type ActorRow, getActor } from "../domain/actors.ts";
import { getEventDetails } from "../domain/events/events.ts";
import { uploadedImagesInMarkdown } from "../domain/images/uploads.ts";
import { getItem, groupsOfItem, type ItemRow } from "../domain/items.ts";
import { mentionedIn } from "../domain/mentions.ts";
import { pollResults } from "../domain/polls/polls.ts";
import { starsGivenHere } from "../domain/ratings.ts";
import { tagsOfItem } from "../domain/tags.ts";
import { logger } from "../logging.ts";
import { announceNewPost, groupAnnounce, localCreateIri, sendToFollowers } from "./announces.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { deliverToMentioned } from "./mentions.ts";
import { recipientOf } from "./recipients.ts";
import { withDocumentAttachment } from "./vocab/documents.ts";
import { addressing, itemObject } from "./vocab/items.ts";
import { servedWithRating } from "./vocab/ratings.ts";
import { replyPolicy } from "./vocab/reply-policy.ts";

const log = logger("federation", "publish");

/** What happened to an item, which decides the activity sent. */
export type ItemChange = "create" | "update" | "delete";

/** The ActivityStreams object of a local item, ready to send or serve. */
export function localItemObject(ctx: CopseContext, item: ItemRow): APObject {
  const author = getActor(ctx.data.db, item.authorId)!;
  const parent = item.parentId ? getItem(ctx.data.db, item.parentId) : undefined;
  const root =
    item.rootId && item.rootId !== item.id ? getItem(ctx.data.db, item.rootId) : undefined;
  const groups = groupsOfItem(ctx.data.db, item.id);
  // An event's time and place live beside the item (src/domain/events/events.ts).
  const event = item.kind === "event" ? getEventDetails(ctx.data.db, item.id) : undefined;
  const hashtags = tagsOfItem(ctx.data.db, item.id).map((t) => t.name);
  // A poll's options and totals live beside the item too (src/domain/polls/polls.ts).
  const poll = item.kind === "poll" ? pollResults(ctx.data.db, item) : undefined;
  const object = itemObject(item, {
    author,
    groups,
    parent,
    root,
    origin: ctx.origin,
    event,
    hashtags,
    poll,
    mentioned: mentionedIn(ctx.data.db, item.id),
    pictures: uploadedImagesInMarkdown(ctx.data.db, item.bodySource ?? ""),
  });
  // A locked topic says nobody may reply (src/federation/vocab/reply-policy.ts).
  if (item.lockedAt) return object.clone({ interactionPolicy: replyPolicy(item, author.iri) });
  if (item.kind !== "document") return object;
  // A document's Article carries its file as an attachment (src/federation/vocab/documents.ts)
  // and, as served, the star average of its ratings, which this server is the home of.
  const stars = starsGivenHere(ctx.data.db, item.id);
  return servedWithRating(
    withDocumentAttachment(ctx.data.db, ctx.origin, item, groups[0], object),
    { average: stars.average ?? 0, count: stars.count },
  );
}

/**
 * A local group passes an activity on to its members and followers (FEP-1b12): edits and
 * deletions as the activity, so receivers know what changed. New posts go through
 * announceNewPost (src/federation/announces.ts), in two forms. Local members need no copy.
 */
export async function announceToMembers(
  ctx: CopseContext,
  group: ActorRow,
  payload: Activity | APObject | URL,
  visibility: "public" | "members",
): Promise<void> {
  await sendToFollowers(ctx, group, groupAnnounce(ctx, group, payload, visibility));
}

/** The Create that published a local item, with a stable id (served at its id). */
export function localCreate(ctx: CopseContext, item: ItemRow, object?: APObject): Create {
  const author = getActor(ctx.data.db, item.authorId)!;
  const { tos, ccs } = addressing(
    item,
    groupsOfItem(ctx.data.db, item.id),
    mentionedIn(ctx.data.db, item.id),
  );
  return new Create({
    id: localCreateIri(ctx, item),
    actor: new URL(author.iri),
    object: object ?? localItemObject(ctx, item),
    published: Temporal.Instant.fromEpochMilliseconds(item.publishedAt.getTime()),
    tos,
    ccs,
  });
}

/**
 * Sends a local item's creation, edit or deletion where it must go: local groups announce it
 * to their members; remote groups receive it from the author and announce it themselves.
 */
export async function publishItemChange(
  ctx: CopseContext,
  item: ItemRow,
  change: ItemChange,
): Promise<void> {
  if (item.status === "draft" || !item.isLocal) return;
  const author = getActor(ctx.data.db, item.authorId);
  if (!author?.isLocal) return;
  const groups = groupsOfItem(ctx.data.db, item.id);
  if (groups.length === 0) return;
  const { tos, ccs } = addressing(item, groups, mentionedIn(ctx.data.db, item.id));
  const object =
    change === "delete"
      ? new Tombstone({ id: new URL(item.iri), deleted: Temporal.Now.instant() })
      : localItemObject(ctx, item);
  const activity =
    change === "create"
      ? localCreate(ctx, item, object)
      : new (change === "update" ? Update : Delete)({
          id: newActivityIri(ctx, change),
          actor: new URL(author.iri),
          object,
          tos,
          ccs,
        });
  for (const group of groups) {
    if (group.isLocal && activity instanceof Create) {
      await announceNewPost(ctx, group, item, activity, object);
    } else if (group.isLocal) {
      await announceToMembers(ctx, group, activity, item.visibility);
    } else {
      await ctx.sendActivity({ identifier: author.handle }, recipientOf(group), activity);
    }
  }
  // The remote people a public item mentions hear of it from the author, as from Mastodon.
  await deliverToMentioned(ctx, item, author, activity);
  log.info("Published {change} of {item} to {count} communities", {
    change,
    item: item.iri,
    count: groups.length,
  });
}
