import type { InboxContext } from "@fedify/fedify";
import { type Add, Hashtag, type Remove } from "@fedify/vocab";
import { findActorByIri } from "../../domain/actors.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { findItemByIri } from "../../domain/items.ts";
import { addTag, removeTag } from "../../domain/tags.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { publishItemChange } from "../publish.ts";
import { onFacilitatorCollectionChange } from "./facilitator-acts.ts";
import { onIgnored } from "./ignored.ts";

const log = logger("federation", "inbox", "tags");

/**
 * A member on another instance tags (`Add{Hashtag}`) or untags (`Remove{Hashtag}`) one of our
 * items. The same rules as on our own pages apply (only members of its community tag it; people
 * remove their own tags); the item's communities then announce its new tags as an `Update`.
 * Anything else sent as Add or Remove (featured posts, moderators) is set aside with a reason.
 */
async function onTagging(
  ctx: InboxContext<ContextData>,
  activity: Add | Remove,
  added: boolean,
): Promise<void> {
  const item = activity.targetId ? findItemByIri(ctx.data.db, activity.targetId.href) : undefined;
  let hashtag: Hashtag | undefined;
  for await (const tag of activity.getTags({ ...ctx, crossOrigin: "trust" })) {
    if (tag instanceof Hashtag) hashtag = tag;
  }
  if (!hashtag || !item) return onIgnored(ctx, activity);
  const tagger = activity.actorId ? findActorByIri(ctx.data.db, activity.actorId.href) : undefined;
  const name = hashtag.name?.toString().replace(/^#/, "") ?? "";
  if (!item.isLocal || !tagger) {
    log.info("Ignored tagging of {item}: not our item, or the tagger is unknown", {
      item: item.iri,
    });
    return;
  }
  try {
    if (added) addTag(ctx.data.db, item, tagger.id, name);
    else removeTag(ctx.data.db, item, tagger.id, name);
  } catch (error) {
    if (
      error instanceof ForbiddenError ||
      error instanceof NotFoundError ||
      error instanceof ValidationError
    ) {
      log.info("Refused tagging of {item} by {actor}: {reason}", {
        item: item.iri,
        actor: tagger.iri,
        reason: error.message,
      });
      return;
    }
    throw error;
  }
  await publishItemChange(ctx, item, "update");
}

/** Handles Add: pins and appointments by facilitators, tags on our items; else set aside. */
export async function onAdded(ctx: InboxContext<ContextData>, add: Add): Promise<void> {
  if (await onFacilitatorCollectionChange(ctx, add, true)) return;
  await onTagging(ctx, add, true);
}

/** Handles Remove: unpinning and dismissals by facilitators, untagging; else set aside. */
export async function onRemoved(ctx: InboxContext<ContextData>, remove: Remove): Promise<void> {
  if (await onFacilitatorCollectionChange(ctx, remove, false)) return;
  await onTagging(ctx, remove, false);
}
