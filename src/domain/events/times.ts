import "../../temporal.ts";
import type { FieldError } from "../errors.ts";
import { keptResults } from "../kept-results.ts";

// Event times are typed as a local date and time in the organiser's time zone ("10am on 3
// March, London time") and stored as UTC instants. Temporal does the conversion, so daylight
// saving is applied for the date of the event, not the date the form was filled in.

/** The time zone new events start with. */
export const DEFAULT_TIME_ZONE = "Europe/London";

/** Time zones offered first in the form: the UK and Ireland, then places UK councils work with. */
export const COMMON_TIME_ZONES = [
  "Europe/London",
  "Europe/Dublin",
  "UTC",
  "Europe/Lisbon",
  "Europe/Paris",
  "Europe/Brussels",
  "Europe/Amsterdam",
  "Europe/Berlin",
  "Europe/Madrid",
  "Europe/Rome",
  "Europe/Stockholm",
  "Europe/Warsaw",
  "Europe/Athens",
  "Atlantic/Reykjavik",
  "America/St_Johns",
  "America/Halifax",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Hong_Kong",
  "Asia/Tokyo",
  "Australia/Perth",
  "Australia/Sydney",
  "Pacific/Auckland",
] as const;

let knownZones: Set<string> | undefined;

/**
 * The canonical IANA name of a time zone, or null when it is not one. Offsets such as
 * "+01:00" are refused: they do not follow daylight saving, so a wall time would drift.
 */
export function canonicalTimeZone(name: string): string | null {
  const trimmed = name.trim();
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(trimmed)) return null;
  knownZones ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-GB", { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  if (knownZones.has(trimmed)) return trimmed;
  return knownZones.has(resolved) ? resolved : null;
}

/** A date as typed into the three boxes of a date input. */
export interface DateParts {
  day: string;
  month: string;
  year: string;
}

/** Reads a date typed as day, month and year; `label` names it in messages ("Start date"). */
export function parseDateParts(
  parts: DateParts,
  field: string,
  label: string,
): { value: Temporal.PlainDate } | { error: FieldError } {
  const raw = { day: parts.day.trim(), month: parts.month.trim(), year: parts.year.trim() };
  const missing = (["day", "month", "year"] as const).filter((k) => raw[k] === "");
  if (missing.length === 3)
    return { error: { field, message: `Enter the ${label.toLowerCase()}` } };
  if (missing.length > 0) {
    return { error: { field, message: `${label} must include a ${missing.join(" and ")}` } };
  }
  if (!/^\d{1,2}$/.test(raw.day) || !/^\d{1,2}$/.test(raw.month) || !/^\d{4}$/.test(raw.year)) {
    return { error: { field, message: `${label} must be a real date` } };
  }
  try {
    const value = Temporal.PlainDate.from(
      { year: Number(raw.year), month: Number(raw.month), day: Number(raw.day) },
      { overflow: "reject" },
    );
    if (value.year < 1900 || value.year > 2200) {
      return { error: { field, message: `${label} must be a real date` } };
    }
    return { value };
  } catch {
    return { error: { field, message: `${label} must be a real date` } };
  }
}

/**
 * Reads a time of day as people write it: "14:30", "14.30", "2:30pm", "9am", "midday" or
 * "midnight" (the words GOV.UK's style guide uses for 12pm and 12am).
 */
export function parseTimeOfDay(text: string): Temporal.PlainTime | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, "");
  if (t === "midday" || t === "noon" || t === "12noon") return new Temporal.PlainTime(12, 0);
  if (t === "midnight") return new Temporal.PlainTime(0, 0);
  const match = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$/.exec(t);
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = match[2] ? Number(match[2]) : 0;
  const meridiem = match[3];
  // "930" or "14" alone are too easy to misread; a bare hour needs am or pm.
  if (!match[2] && !meridiem) return null;
  if (minute > 59) return null;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === "pm" ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }
  return new Temporal.PlainTime(hour, minute);
}

/**
 * The instant a wall-clock date and time happens in a time zone. A time that falls in the
 * hour skipped when the clocks go forward does not exist, so it is refused (null) rather
 * than silently moved; a time that happens twice when the clocks go back is taken the first time.
 */
export function localToInstant(
  date: Temporal.PlainDate,
  time: Temporal.PlainTime,
  timeZone: string,
): Date | null {
  const local = date.toPlainDateTime(time);
  const zoned = local.toZonedDateTime(timeZone, { disambiguation: "earlier" });
  if (!zoned.toPlainDateTime().equals(local)) return null;
  return new Date(zoned.epochMilliseconds);
}

/** An instant as the date parts and time ("14:30") someone in `timeZone` would type. */
export function instantToLocalFields(at: Date, timeZone: string): DateParts & { time: string } {
  const zoned = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);
  return {
    day: String(zoned.day),
    month: String(zoned.month),
    year: String(zoned.year),
    time: `${String(zoned.hour).padStart(2, "0")}:${String(zoned.minute).padStart(2, "0")}`,
  };
}

/** A time of day in GOV.UK style: "9am", "2:30pm", "midday", "midnight". */
export function formatTimeOfDay(hour: number, minute: number): string {
  if (minute === 0 && hour === 12) return "midday";
  if (minute === 0 && hour === 0) return "midnight";
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const suffix = hour < 12 ? "am" : "pm";
  return minute === 0 ? `${h12}${suffix}` : `${h12}:${String(minute).padStart(2, "0")}${suffix}`;
}

/** The short name of a time zone at an instant, e.g. "GMT" or "BST" for Europe/London. */
export const timeZoneAbbreviation = keptByInstant(function timeZoneAbbreviation(
  at: Date,
  timeZone: string,
): string {
  const part = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "short" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
});

/** A date in the event's time zone, e.g. "Tuesday 3 March 2026". */
export const formatLocalDate = keptByInstant(function formatLocalDate(
  at: Date,
  timeZone: string,
): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  })
    .format(at)
    .replace(",", "");
});

/** A time of day in the event's time zone, e.g. "2:30pm". */
export const formatLocalTime = keptByInstant(function formatLocalTime(
  at: Date,
  timeZone: string,
): string {
  const zoned = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);
  return formatTimeOfDay(zoned.hour, zoned.minute);
});

/**
 * When an event happens, in its own time zone: "Tuesday 3 March 2026, 10am to 12:30pm (GMT)",
 * or with both dates when it runs over more than one day.
 */
export function formatEventTimes(startsAt: Date, endsAt: Date, timeZone: string): string {
  const startDate = formatLocalDate(startsAt, timeZone);
  const endDate = formatLocalDate(endsAt, timeZone);
  const zone = timeZoneAbbreviation(startsAt, timeZone);
  const start = `${startDate}, ${formatLocalTime(startsAt, timeZone)}`;
  const end =
    startDate === endDate
      ? formatLocalTime(endsAt, timeZone)
      : `${endDate}, ${formatLocalTime(endsAt, timeZone)}`;
  return `${start} to ${end} (${zone})`;
}

/**
 * Keeps what `format` made for each instant and time zone. Each call made an Intl formatter
 * (or a Temporal conversion) afresh, some 30 µs, and a community's page shows the same few
 * events' times on every view.
 */
function keptByInstant(
  format: (at: Date, timeZone: string) => string,
): (at: Date, timeZone: string) => string {
  const kept = keptResults<string, string>(5_000);
  return (at, timeZone) => kept(`${at.getTime()} ${timeZone}`, () => format(at, timeZone));
}
