import { and, avg, count, eq, isNotNull, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { documents, ratings } from "../db/schema/index.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "./errors.ts";
import { canView, groupsOfItem, type ItemRow } from "./items.ts";
import { isActiveMember } from "./membership.ts";

// People rate documents with 1 to 5 stars. The document's own server is the home of its
// ratings: people elsewhere send their stars there (a Note shaped as a poll vote, see
// FEDERATION.md), and the home publishes the average, which other servers show instead of
// their own. A plain `Like` from another server (Lemmy, Mastodon) is stored as a rating
// without stars: it is shown as a separate "likes" figure and never changes the average,
// because guessing a number of stars for it would misreport what people said.

/** What the document page shows about ratings. */
export interface RatingSummary {
  /** Mean of the star ratings given here, or null when there are none. */
  average: number | null;
  /** How many people gave stars here. */
  count: number;
  /** How many Likes arrived from other servers. */
  likes: number;
  /** The viewer's own stars, if they rated it. */
  mine: number | null;
}

/**
 * A member rates a document from 1 to 5 stars; rating again replaces the earlier rating.
 * Returns whether this was the person's first rating (only that one is federated).
 */
export function rateDocument(
  db: Db,
  item: ItemRow,
  raterId: number,
  stars: unknown,
): { first: boolean } {
  const value = checkedStars(stars);
  if (item.kind !== "document" || item.deletedAt || !canView(db, item, raterId)) {
    throw new NotFoundError("That document does not exist, or was deleted");
  }
  if (!groupsOfItem(db, item.id).some((g) => isActiveMember(db, g.id, raterId))) {
    throw new ForbiddenError("Only members of the community can rate its documents");
  }
  const now = new Date();
  const before = db
    .select()
    .from(ratings)
    .where(and(eq(ratings.itemId, item.id), eq(ratings.actorId, raterId)))
    .get();
  db.insert(ratings)
    .values({ itemId: item.id, actorId: raterId, stars: value, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [ratings.itemId, ratings.actorId],
      set: { stars: value, updatedAt: now },
    })
    .run();
  return { first: before === undefined };
}

/** Checks a number of stars, from a form or another server. */
function checkedStars(stars: unknown): number {
  const value = typeof stars === "string" ? Number(stars) : stars;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 5) {
    throw new ValidationError([{ field: "stars", message: "Select a rating from 1 to 5 stars" }]);
  }
  return value;
}

/**
 * Records the stars a person on another server gave a document held here (the home counts
 * every rating). Replaces their earlier rating or Like. Returns whether anything changed.
 */
export function recordRemoteRating(
  db: Db,
  item: ItemRow,
  actorId: number,
  stars: unknown,
): boolean {
  const value = checkedStars(stars);
  if (item.kind !== "document" || item.deletedAt) return false;
  const before = db
    .select()
    .from(ratings)
    .where(and(eq(ratings.itemId, item.id), eq(ratings.actorId, actorId)))
    .get();
  if (before?.stars === value) return false;
  const now = new Date();
  db.insert(ratings)
    .values({ itemId: item.id, actorId, stars: value, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [ratings.itemId, ratings.actorId],
      set: { stars: value, updatedAt: now },
    })
    .run();
  return true;
}

/** The star average and count of the ratings given here, for the home to publish. */
export function starsGivenHere(db: Db, itemId: number): { average: number | null; count: number } {
  const stars = db
    .select({ average: avg(ratings.stars), n: count() })
    .from(ratings)
    .where(and(eq(ratings.itemId, itemId), isNotNull(ratings.stars)))
    .get();
  return {
    average: stars?.average == null ? null : Number(stars.average),
    count: stars?.n ?? 0,
  };
}

/** Keeps the average and count a document's home publishes, for a document from elsewhere. */
export function saveRatingAggregate(db: Db, itemId: number, average: number, n: number): void {
  db.update(documents)
    .set({ ratingAverage: average, ratingCount: n })
    .where(eq(documents.itemId, itemId))
    .run();
}

/**
 * The average, counts and the viewer's own rating of a document: for a document from another
 * server, the figures its home published once they are known.
 */
export function ratingSummary(db: Db, itemId: number, viewerId?: number | null): RatingSummary {
  const published = db
    .select({ average: documents.ratingAverage, n: documents.ratingCount })
    .from(documents)
    .where(eq(documents.itemId, itemId))
    .get();
  const here = starsGivenHere(db, itemId);
  const stars =
    published?.n != null
      ? { average: published.average, n: published.n }
      : { ...here, n: here.count };
  const likes =
    db
      .select({ n: count() })
      .from(ratings)
      .where(and(eq(ratings.itemId, itemId), isNull(ratings.stars)))
      .get()?.n ?? 0;
  const mine = viewerId
    ? db
        .select({ stars: ratings.stars })
        .from(ratings)
        .where(and(eq(ratings.itemId, itemId), eq(ratings.actorId, viewerId)))
        .get()?.stars
    : null;
  return {
    average: stars.n === 0 ? null : stars.average,
    count: stars.n,
    likes,
    mine: mine ?? null,
  };
}

/**
 * Records a Like from another server as a rating without stars. Someone who already rated
 * (with stars, on this server) keeps their stars. Returns whether anything was recorded.
 */
export function recordLike(db: Db, item: ItemRow, actorId: number, likeIri: string): boolean {
  if (item.kind !== "document" || item.deletedAt) return false;
  const result = db
    .insert(ratings)
    .values({ itemId: item.id, actorId, stars: null, likeIri })
    .onConflictDoNothing()
    .run();
  return result.changes > 0;
}

/** Withdraws a Like (an `Undo{Like}`): removes the starless rating it created, if any. */
export function removeLike(db: Db, itemId: number, actorId: number): boolean {
  const result = db
    .delete(ratings)
    .where(and(eq(ratings.itemId, itemId), eq(ratings.actorId, actorId), isNull(ratings.stars)))
    .run();
  return result.changes > 0;
}
