import { type Object as APObject, Event, Place } from "@fedify/vocab";
import type { EventDetails, EventRow } from "../../domain/events/events.ts";
import { canonicalTimeZone, DEFAULT_TIME_ZONE } from "../../domain/events/times.ts";

// Events follow FEP-8a8e: `name`, `startTime`, `endTime`, `location`, and the organiser's
// IANA `timezone`. Fedify's vocabulary has no `timezone`, no `address` on Place and no
// schema.org `VirtualLocation`, so Copse writes an event in two layers:
//
// - The Fedify object, sent inside activities, carries what the vocabulary can say: the
//   times (UTC), and `location` as a Place named after the venue, or, for an online event,
//   a Place named "Online" whose `url` is the link (the fallback FEP-8a8e's authors suggest
//   for software without VirtualLocation).
// - The object served at its id (GET /ap/events/{id}) adds the FEP-8a8e terms on top:
//   `timezone`, `location` as a Place with `address` and/or a VirtualLocation, and the
//   contact as schema.org `contactPoint`. Copse peers fetch that document from the event's
//   origin when they store or update a copy, so they see the whole event.

/** The label of the Place that stands in for an online location inside activities. */
export const ONLINE_PLACE_NAME = "Online";

/** JSON-LD terms the served document adds to ActivityStreams. */
const EVENT_TERMS = {
  sc: "http://schema.org/",
  address: "sc:address",
  PostalAddress: "sc:PostalAddress",
  VirtualLocation: "sc:VirtualLocation",
  contactPoint: "sc:contactPoint",
  timezone: "https://w3id.org/fep/8a8e/timezone",
};

/** Property values the Event constructor takes. */
type EventValues = ConstructorParameters<typeof Event>[0];

function instant(at: Date): Temporal.Instant {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime());
}

/** An Event whose served JSON-LD carries the FEP-8a8e terms Fedify's vocabulary lacks. */
export class EventWithTerms extends Event {
  #details: EventDetails | undefined;

  /** Builds the event from Fedify values plus Copse's stored details. */
  static of(values: EventValues, details: EventDetails | undefined): EventWithTerms {
    const event = new EventWithTerms(values);
    event.#details = details;
    return event;
  }

  // Only the plain (compact, cached) form is extended: that is what an object dispatcher
  // serves. The expanded form used when activities are signed stays Fedify's own.
  override async toJsonLd(options?: Parameters<Event["toJsonLd"]>[0]): Promise<unknown> {
    const json = await super.toJsonLd(options);
    if (options?.format != null || !this.#details || !isRecord(json)) return json;
    return withEventTerms(json, this.#details);
  }
}

/** Adds `timezone`, FEP-8a8e locations and the contact to an event's compact JSON-LD. */
export function withEventTerms(
  json: Record<string, unknown>,
  details: EventDetails,
): Record<string, unknown> {
  const context = Array.isArray(json["@context"])
    ? json["@context"]
    : json["@context"]
      ? [json["@context"]]
      : [];
  const locations: Record<string, unknown>[] = [];
  if (details.locationName || details.locationAddress) {
    locations.push({
      type: "Place",
      name: details.locationName || details.locationAddress.split("\n")[0],
      ...(details.locationAddress ? { address: details.locationAddress } : {}),
    });
  }
  if (details.onlineUrl) {
    locations.push({ type: "VirtualLocation", name: ONLINE_PLACE_NAME, url: details.onlineUrl });
  }
  const result: Record<string, unknown> = {
    ...json,
    "@context": [...context, EVENT_TERMS],
    timezone: details.timezone,
  };
  delete result.location;
  if (locations.length > 0) result.location = locations.length === 1 ? locations[0] : locations;
  if (details.contact) result.contactPoint = details.contact;
  return result;
}

/** The Fedify Event for a local event item, from the values every item object shares. */
export function eventObject(
  values: EventValues,
  title: string,
  details: EventRow | undefined,
): Event {
  const places: Place[] = [];
  if (details?.locationName || details?.locationAddress) {
    places.push(
      new Place({
        name: details.locationName || details.locationAddress.split("\n")[0] || null,
      }),
    );
  }
  if (details?.onlineUrl) {
    places.push(new Place({ name: ONLINE_PLACE_NAME, url: new URL(details.onlineUrl) }));
  }
  return EventWithTerms.of(
    {
      ...values,
      name: title,
      startTime: details ? instant(details.startsAt) : null,
      endTime: details ? instant(details.endsAt) : null,
      locations: places,
    },
    details,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  if (typeof value === "string") return value.trim();
  // Language maps and `{ "@value": ... }` forms: take the first string found.
  if (Array.isArray(value)) return text(value[0]);
  if (isRecord(value)) return text(value["@value"] ?? Object.values(value)[0]);
  return "";
}

function typesOf(node: Record<string, unknown>): string[] {
  const type = node.type ?? node["@type"];
  return (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === "string");
}

/** A schema.org address, plain text or PostalAddress, as lines of text. */
function addressText(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (!isRecord(value)) return "";
  return ["streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry"]
    .map((key) => text(value[key]))
    .filter(Boolean)
    .join("\n");
}

function webLink(value: unknown): string | null {
  const href = isRecord(value) ? text(value.href) : text(value);
  if (!URL.canParse(href)) return null;
  const { protocol } = new URL(href);
  return protocol === "https:" || protocol === "http:" ? href : null;
}

/** Where an event is, read from the `location` of its served document (FEP-8a8e shapes). */
function locationFromDocument(
  raw: Record<string, unknown>,
): Pick<EventDetails, "locationName" | "locationAddress" | "onlineUrl"> | null {
  const value = raw.location;
  if (value === undefined) return null;
  const nodes = (Array.isArray(value) ? value : [value]).filter(isRecord);
  const result = { locationName: "", locationAddress: "", onlineUrl: null as string | null };
  for (const node of nodes) {
    const types = typesOf(node);
    if (types.some((t) => t.endsWith("VirtualLocation"))) {
      result.onlineUrl ??= webLink(node.url);
    } else if (!result.locationName && !result.locationAddress) {
      const name = text(node.name);
      const url = webLink(node.url);
      if (name === ONLINE_PLACE_NAME && url && !node.address) result.onlineUrl ??= url;
      else {
        result.locationName = name;
        result.locationAddress = addressText(node.address);
      }
    }
  }
  return result;
}

/** Where an event is, from the Places Fedify parsed (what activities carry). */
async function locationFromObject(
  object: Event,
): Promise<Pick<EventDetails, "locationName" | "locationAddress" | "onlineUrl">> {
  const result = { locationName: "", locationAddress: "", onlineUrl: null as string | null };
  const places: APObject[] = [];
  try {
    for await (const location of object.getLocations()) {
      if (location instanceof Place) places.push(location);
    }
  } catch {
    // A location that cannot be fetched is left out; the times still make the event useful.
  }
  for (const place of places) {
    const name = place.name?.toString().trim() ?? "";
    const url = place.url instanceof URL ? place.url.href : (place.url?.href?.href ?? null);
    if (name === ONLINE_PLACE_NAME && url) result.onlineUrl ??= webLink(url);
    else if (!result.locationName) result.locationName = name;
  }
  return result;
}

const DEFAULT_LENGTH_MS = 60 * 60 * 1000;

/**
 * What Copse keeps of a remote Event: the times from the parsed object, and the zone, address,
 * online link and contact from its served document when it could be fetched. An event with no
 * end is taken to last an hour, as FEP-8a8e lets receivers infer; one with no start is refused.
 */
export async function remoteEventDetails(
  object: Event,
  raw: Record<string, unknown> | null,
): Promise<EventDetails | null> {
  if (!object.startTime) return null;
  const startsAt = new Date(object.startTime.epochMilliseconds);
  let endsAt = object.endTime ? new Date(object.endTime.epochMilliseconds) : null;
  if (!endsAt || endsAt.getTime() <= startsAt.getTime()) {
    endsAt = new Date(startsAt.getTime() + DEFAULT_LENGTH_MS);
  }
  const location = (raw && locationFromDocument(raw)) ?? (await locationFromObject(object));
  const zone = raw ? canonicalTimeZone(text(raw.timezone)) : null;
  return {
    startsAt,
    endsAt,
    timezone: zone ?? DEFAULT_TIME_ZONE,
    locationName: location.locationName.slice(0, 200),
    locationAddress: location.locationAddress.slice(0, 500),
    onlineUrl: location.onlineUrl,
    contact: raw ? text(raw.contactPoint).slice(0, 200) : "",
  };
}
