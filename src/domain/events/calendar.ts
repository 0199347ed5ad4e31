import { htmlToPlainText } from "../html.ts";
import type { CalendarEvent } from "../ical.ts";
import type { ItemRow } from "../items.ts";
import type { EventRow } from "./events.ts";

/** Where an event happens, as one line: venue, address, and the online link if there is one. */
export function eventLocationText(event: EventRow): string {
  const place = [event.locationName, event.locationAddress.replace(/\s*\n\s*/g, ", ")]
    .filter(Boolean)
    .join(", ");
  if (place && event.onlineUrl) return `${place} (online: ${event.onlineUrl})`;
  return place || event.onlineUrl || "";
}

/** An event as a calendar entry; `pageUrl` is its page here, linked from the entry. */
export function calendarEntry(item: ItemRow, event: EventRow, pageUrl: string): CalendarEvent {
  const description = [
    htmlToPlainText(item.bodyHtml),
    event.onlineUrl ? `Join online: ${event.onlineUrl}` : "",
    event.contact ? `Contact: ${event.contact}` : "",
    `Details and replies: ${pageUrl}`,
  ]
    .filter(Boolean)
    .join("\n\n");
  return {
    uid: item.iri,
    stamp: item.updatedAt,
    created: item.publishedAt,
    start: event.startsAt,
    end: event.endsAt,
    summary: item.title,
    description,
    location: eventLocationText(event),
    url: pageUrl,
  };
}
