import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";

// iCalendar (RFC 5545) files for events, written by ical-generator: it folds lines at 75
// octets without splitting a UTF-8 character, escapes TEXT values and writes UTC times in the
// "Z" form, so no VTIMEZONE block is needed. Calendar apps are strict about all three, and a
// well-kept writer used by many gets them right where a hand-written one drifts.

/** One event in a calendar file. */
export interface CalendarEvent {
  /** Globally unique and stable: the event's ActivityPub id. */
  uid: string;
  /** When this version of the event was last changed. */
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  /** Plain text; newlines are kept. */
  description?: string;
  location?: string;
  url?: string | null;
  created?: Date;
  cancelled?: boolean;
}

/** The product identifier written into every calendar file. */
export const PRODUCT_ID = "-//Copse//Copse events//EN";

/** Whether a URL can be written as a URI value as is (no control characters or spaces). */
function isSafeUri(url: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  return URL.canParse(url) && !/[\s\u0000-\u001f\u007f"]/.test(url);
}

/** A whole calendar file (VCALENDAR with one VEVENT per event), ready to send. */
export function writeCalendar(options: { name?: string; events: CalendarEvent[] }): string {
  const calendar = ical({
    prodId: { company: "Copse", product: "Copse events", language: "EN" },
    method: ICalCalendarMethod.PUBLISH,
    // X-WR-CALNAME is not in the RFC, but Apple, Google and Outlook all show it as the name;
    // the writer adds it beside RFC 7986's NAME.
    name: options.name || null,
  });
  for (const event of options.events) {
    calendar.createEvent({
      id: event.uid,
      stamp: event.stamp,
      start: event.start,
      end: event.end,
      summary: event.summary,
      created: event.created ?? null,
      lastModified: event.stamp,
      description: event.description || null,
      location: event.location || null,
      url: event.url && isSafeUri(event.url) ? event.url : null,
      status: event.cancelled ? ICalEventStatus.CANCELLED : null,
    });
  }
  // RFC 5545 ends every content line, the last included, with CRLF.
  return `${calendar.toString()}\r\n`;
}
