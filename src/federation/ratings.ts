import { Create, Note } from "@fedify/vocab";
import { type ActorRow, getActor } from "../domain/actors.ts";
import type { ItemRow } from "../domain/items.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { publishItemChange } from "./publish.ts";
import { recipientOf } from "./recipients.ts";

// Star ratings of documents (FEDERATION.md, Documents). The document's own server is the home
// of its ratings: a person elsewhere sends their stars there as a Note shaped like a
// Mastodon poll vote (`name` the stars, no `content`, `inReplyTo` the document, addressed to
// its author only), and the home publishes the new average by sending an Update of the
// document, whose served form carries it (src/federation/vocab/ratings.ts).

const log = logger("federation", "ratings");

/**
 * Passes a local person's rating on: to the document's home when it lives elsewhere, or, at
 * the home, as an Update of the document so every server shows the new average.
 */
export async function sendRating(
  ctx: CopseContext,
  item: ItemRow,
  rater: ActorRow,
  stars: number,
): Promise<void> {
  if (!rater.isLocal || item.kind !== "document") return;
  if (item.isLocal) {
    await publishRatingChange(ctx, item);
    return;
  }
  const author = getActor(ctx.data.db, item.authorId);
  if (!author || author.isLocal) return;
  const note = new Note({
    id: newActivityIri(ctx, "rating"),
    attribution: new URL(rater.iri),
    name: String(stars),
    replyTarget: new URL(item.iri),
    tos: [new URL(author.iri)],
  });
  const create = new Create({
    id: newActivityIri(ctx, "create"),
    actor: new URL(rater.iri),
    object: note,
    tos: [new URL(author.iri)],
  });
  await ctx.sendActivity({ identifier: rater.handle }, recipientOf(author), create);
  log.info("Sent {rater}'s rating of {item} to its home", { rater: rater.iri, item: item.iri });
}

/** The home of a document tells every server following its communities the new average. */
export async function publishRatingChange(ctx: CopseContext, item: ItemRow): Promise<void> {
  if (item.isLocal) await publishItemChange(ctx, item, "update");
}
