import type { InboxContext } from "@fedify/fedify";
import { type Create, Note } from "@fedify/vocab";
import { type ActorRow, findActorByIri } from "../../domain/actors.ts";
import { findItemByIri, type ItemRow } from "../../domain/items.ts";
import { recordRemoteRating, saveRatingAggregate } from "../../domain/ratings.ts";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { fetchAndStoreActor } from "../lookup.ts";
import { publishRatingChange } from "../ratings.ts";
import { readRatingAggregate } from "../vocab/ratings.ts";
import { mayRate } from "./likes.ts";

// Star ratings arriving here (FEDERATION.md, Documents): a rating is a Note with `name` the
// stars and no `content`, in reply to a document, sent to the document's home; the home's
// average comes back in the document it serves.

const log = logger("federation", "inbox", "ratings");
type Ctx = InboxContext<ContextData>;

async function raterOf(ctx: Ctx, iri: string): Promise<ActorRow | null> {
  const known = findActorByIri(ctx.data.db, iri);
  if (known) return known;
  return fetchAndStoreActor(ctx, iri).catch(() => null);
}

/**
 * Counts a rating sent to a document held here; returns false when the Create is not a
 * rating. A rating of a document whose home is elsewhere is refused (and logged), never
 * stored as a comment.
 */
export async function onRatingNote(ctx: Ctx, create: Create): Promise<boolean> {
  const actorId = create.actorId;
  // Ratings travel embedded in their Create from the rater's own server; nothing is fetched.
  if (!actorId || !create.objectId || create.objectId.origin !== actorId.origin) return false;
  const note = await create.getObject(ctx).catch(() => null);
  if (!(note instanceof Note) || note.content || !note.name || !note.replyTargetId) return false;
  const item = findItemByIri(ctx.data.db, note.replyTargetId.href);
  if (item?.kind !== "document") return false;
  const refuse = (reason: string) => {
    log.info("Refused a rating of {item} from {rater}: {reason}", {
      item: item.iri,
      rater: actorId.href,
      reason,
    });
    return true;
  };
  if (!item.isLocal) return refuse("the document's ratings are counted by its own server");
  if (note.attributionId && note.attributionId.href !== actorId.href) {
    return refuse("the rating's author is not its sender");
  }
  const stars = note.name.toString().trim();
  if (!/^[1-5]$/.test(stars)) return refuse(`"${stars.slice(0, 20)}" is not 1 to 5 stars`);
  const rater = await raterOf(ctx, actorId.href);
  if (!rater || rater.isLocal) return refuse("the rater is unknown");
  if (!mayRate(ctx, item, rater)) return refuse("the rater may not see or rate it");
  if (recordRemoteRating(ctx.data.db, item, rater.id, Number(stars))) {
    log.info("Counted a rating of {item} by {rater}", { item: item.iri, rater: rater.iri });
    await publishRatingChange(ctx, item);
  }
  return true;
}

/**
 * Reads the star average a remote document's home publishes in the document it serves, and
 * keeps it, so this server shows the same figures as every other.
 */
export async function storeRatingAggregate(ctx: Ctx, item: ItemRow): Promise<void> {
  if (item.isLocal || item.kind !== "document") return;
  try {
    const { document } = await ctx.documentLoader(item.iri);
    const doc = document as Record<string, unknown> | null;
    if (!doc || typeof doc !== "object" || doc.id !== item.iri) return;
    const aggregate = readRatingAggregate(doc);
    if (aggregate) saveRatingAggregate(ctx.data.db, item.id, aggregate.average, aggregate.count);
  } catch (error) {
    log.info("Could not read the ratings of {iri} from its home: {error}", {
      iri: item.iri,
      error,
    });
  }
}
