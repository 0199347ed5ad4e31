import { Add, Hashtag, Remove } from "@fedify/vocab";
import type { ActorRow } from "../domain/actors.ts";
import { groupsOfItem, type ItemRow } from "../domain/items.ts";
import { normaliseTag } from "../domain/tags.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { recipientOf } from "./recipients.ts";

const log = logger("federation", "tags");

/** The Hashtag object for a tag name, linking to its page on this instance. */
export function hashtagFor(ctx: CopseContext, name: string): Hashtag {
  return new Hashtag({
    name: `#${name}`,
    href: new URL(`/tags/${encodeURIComponent(name)}`, ctx.origin),
  });
}

/**
 * A member here tags (or untags) an item that lives on another instance. ActivityStreams has
 * no "tag this object" activity, so Copse sends `Add` (or `Remove`) of the tag, with a `Hashtag` in `tag` and
 * `target` the item to the item's communities; their home applies it and announces an
 * `Update` of the item carrying its tags, which is how every other instance learns of it.
 */
export async function sendRemoteTagging(
  ctx: CopseContext,
  item: ItemRow,
  tagger: ActorRow,
  name: string,
  added: boolean,
): Promise<void> {
  const Verb = added ? Add : Remove;
  const hashtag = hashtagFor(ctx, normaliseTag(name));
  // Fedify's Add takes objects, and a Hashtag is a Link: the object is the tag's page and the
  // Hashtag itself rides in `tag`, where receivers read its name.
  const activity = new Verb({
    id: newActivityIri(ctx, added ? "add" : "remove"),
    actor: new URL(tagger.iri),
    object: hashtag.href,
    tags: [hashtag],
    target: new URL(item.iri),
  });
  const groups = groupsOfItem(ctx.data.db, item.id).filter((g) => !g.isLocal);
  for (const group of groups) {
    await ctx.sendActivity({ identifier: tagger.handle }, recipientOf(group), activity);
  }
  log.info("Sent {verb} of tag {name} on {item} to {count} communities", {
    verb: added ? "Add" : "Remove",
    name,
    item: item.iri,
    count: groups.length,
  });
}
