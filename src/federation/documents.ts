import { Like, type Recipient } from "@fedify/vocab";
import { type ActorRow, getActor } from "../domain/actors.ts";
import { groupsOfItem, type ItemRow } from "../domain/items.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { recipientOf } from "./recipients.ts";

const log = logger("federation", "documents");

/**
 * Tells the servers that hold a document from elsewhere that a local person rated it: a
 * `Like` to its remote communities (which count it) and to its author's server. Ratings of
 * documents that live here, in communities that live here, stay local.
 */
export async function sendRatingLike(
  ctx: CopseContext,
  item: ItemRow,
  rater: ActorRow,
): Promise<void> {
  if (!rater.isLocal) return;
  const recipients: Recipient[] = groupsOfItem(ctx.data.db, item.id)
    .filter((g) => !g.isLocal)
    .map(recipientOf);
  const author = getActor(ctx.data.db, item.authorId);
  if (author && !author.isLocal) recipients.push(recipientOf(author));
  if (recipients.length === 0) return;
  const like = new Like({
    id: newActivityIri(ctx, "like"),
    actor: new URL(rater.iri),
    object: new URL(item.iri),
    tos: recipients.map((r) => r.id!),
  });
  await ctx.sendActivity({ identifier: rater.handle }, recipients, like);
  log.info("Sent a Like of {item} from {rater} to {count} servers", {
    item: item.iri,
    rater: rater.iri,
    count: recipients.length,
  });
}
