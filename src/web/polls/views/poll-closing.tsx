import {
  formatLocalDate,
  formatLocalTime,
  timeZoneAbbreviation,
} from "../../../domain/events/times.ts";
import type { ItemRow } from "../../../domain/items.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** When a poll closes, in the instance's time zone: "Tuesday 15 July 2031 at 10am (BST)". */
export function closingText(at: Date, timeZone: string): string {
  return `${formatLocalDate(at, timeZone)} at ${formatLocalTime(at, timeZone)} (${timeZoneAbbreviation(at, timeZone)})`;
}

/** "1 day", "3 days": a whole number of some unit, said as people say it. */
function amount(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/**
 * How long an open poll has left, counted down in whole units so it never promises more time
 * than there is: "Closes in 3 days", "Closes in 5 hours", "Closes in less than a minute".
 */
export function closesInText(endsAt: Date, now = new Date()): string {
  const left = endsAt.getTime() - now.getTime();
  if (left < MINUTE) return "Closes in less than a minute";
  if (left < HOUR) return `Closes in ${amount(Math.floor(left / MINUTE), "minute")}`;
  if (left < DAY) return `Closes in ${amount(Math.floor(left / HOUR), "hour")}`;
  return `Closes in ${amount(Math.floor(left / DAY), "day")}`;
}

/** A poll's standing in words: "Closes in 3 days" while open, "Closed on …" once closed. */
export function pollClosingStatus(endsAt: Date, timeZone: string, now = new Date()): string {
  return endsAt.getTime() <= now.getTime()
    ? `Closed on ${closingText(endsAt, timeZone)}`
    : closesInText(endsAt, now);
}

/** When the polls among a list of items close, for lists that mix polls with other items. */
export interface PollClosingTimes {
  /** Closing time by item id; items that are not polls are absent. */
  endsAt: Map<number, Date>;
  timeZone: string;
  now: Date;
}

/** The closing note after a poll in a list of items (nothing for other items). */
export function PollClosingNote(props: { item: ItemRow; times: PollClosingTimes | undefined }) {
  const endsAt = props.times?.endsAt.get(props.item.id);
  if (!props.times || !endsAt) return null;
  return (
    <span class="govuk-body-s">
      {" "}
      ({pollClosingStatus(endsAt, props.times.timeZone, props.times.now)})
    </span>
  );
}
