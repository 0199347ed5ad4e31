import type { Object as APObject } from "@fedify/vocab";

// A document's star average travels in the document its home serves, as schema.org's
// aggregateRating, the way events carry FEP-8a8e terms that Fedify's vocabulary lacks
// (src/federation/vocab/events.ts). Only the served (compact) form carries it; other Copse
// servers read it from there whenever they store or update their copy.

const RATING_TERMS = {
  schema: "http://schema.org#",
  aggregateRating: "schema:aggregateRating",
  AggregateRating: "schema:AggregateRating",
  ratingValue: "schema:ratingValue",
  ratingCount: "schema:ratingCount",
  bestRating: "schema:bestRating",
  worstRating: "schema:worstRating",
};

/** A document's published star average. */
export interface RatingAggregate {
  average: number;
  count: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Adds `aggregateRating` to a compact JSON-LD document. */
export function withRatingTerms(
  json: Record<string, unknown>,
  aggregate: RatingAggregate,
): Record<string, unknown> {
  const context = Array.isArray(json["@context"])
    ? json["@context"]
    : json["@context"]
      ? [json["@context"]]
      : [];
  return {
    ...json,
    "@context": [...context, RATING_TERMS],
    aggregateRating: {
      type: "AggregateRating",
      ratingValue: Math.round(aggregate.average * 100) / 100,
      ratingCount: aggregate.count,
      bestRating: 5,
      worstRating: 1,
    },
  };
}

/**
 * Makes a document's object serve its star average. Fedify has no hook for extra terms, so
 * this object's own plain serialization is wrapped; the forms used to sign activities stay
 * Fedify's own, as for events.
 */
export function servedWithRating<T extends APObject>(object: T, aggregate: RatingAggregate): T {
  const plain = object.toJsonLd.bind(object);
  object.toJsonLd = async (options?: Parameters<T["toJsonLd"]>[0]) => {
    const json = await plain(options);
    if (options?.format != null || !isRecord(json)) return json;
    return withRatingTerms(json, aggregate);
  };
  return object;
}

/** The star average a served document carries, if it carries a sound one. */
export function readRatingAggregate(doc: Record<string, unknown>): RatingAggregate | null {
  const raw = doc.aggregateRating ?? doc["schema:aggregateRating"];
  const rating = Array.isArray(raw) ? raw[0] : raw;
  if (!isRecord(rating)) return null;
  const average = Number(rating.ratingValue ?? rating["schema:ratingValue"]);
  const count = Number(rating.ratingCount ?? rating["schema:ratingCount"]);
  if (!Number.isInteger(count) || count < 0 || count > 1_000_000) return null;
  if (count > 0 && !(average >= 1 && average <= 5)) return null;
  return { average: count === 0 ? 0 : average, count };
}
