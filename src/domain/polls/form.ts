import { type FieldError, ValidationError } from "../errors.ts";
import { type DateParts, localToInstant, parseDateParts, parseTimeOfDay } from "../events/times.ts";

/** The new-poll form as typed: the question, a description, options one per line, when it closes. */
export interface PollForm {
  question: string;
  body: string;
  /** One option per line; blank lines are ignored. */
  options: string;
  /** `one` for a single choice, `many` for any number of options. */
  choice: string;
  closes: DateParts & { time: string };
}

/** A checked poll, ready to store. */
export interface PollDraft {
  question: string;
  body: string;
  options: string[];
  multiple: boolean;
  endsAt: Date;
}

/** Fewest and most options a poll may offer (Mastodon offers up to four; Copse allows ten). */
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;
const MAX_QUESTION = 200;
const MAX_OPTION = 100;
const MAX_BODY = 10_000;

/** An empty poll form. */
export function blankPollForm(): PollForm {
  return {
    question: "",
    body: "",
    options: "",
    choice: "",
    closes: { day: "", month: "", year: "", time: "" },
  };
}

/** The options a form lists, trimmed, without blank lines. */
export function optionLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line.length > 0);
}

/** Checks the options: between 2 and 10, each short enough, no two the same. */
function optionProblem(options: string[]): string | null {
  if (options.length < MIN_OPTIONS) {
    return `Enter at least ${MIN_OPTIONS} options, each on its own line`;
  }
  if (options.length > MAX_OPTIONS) {
    return `A poll can have at most ${MAX_OPTIONS} options (you entered ${options.length})`;
  }
  const long = options.find((o) => o.length > MAX_OPTION);
  if (long) return `Each option must be ${MAX_OPTION} characters or fewer`;
  // Options differing only in case would look the same to voters, so they count as repeats.
  const seen = new Set<string>();
  for (const option of options) {
    const key = option.toLowerCase();
    if (seen.has(key)) return `Each option must be different ("${option}" is there twice)`;
    seen.add(key);
  }
  return null;
}

/** Reads the closing date and time in the instance's time zone; it must be in the future. */
function closingTime(
  closes: PollForm["closes"],
  timeZone: string,
  now: Date,
  errors: FieldError[],
): Date | null {
  const date = parseDateParts(closes, "closes-day", "Closing date");
  if ("error" in date) errors.push(date.error);
  const time = parseTimeOfDay(closes.time);
  if (closes.time.trim() === "") {
    errors.push({ field: "closes-time", message: "Enter the closing time" });
  } else if (!time) {
    errors.push({
      field: "closes-time",
      message: "Enter the closing time as a time of day, like 9:30am or 14:30",
    });
  }
  if ("error" in date || !time) return null;
  const instant = localToInstant(date.value, time, timeZone);
  if (!instant) {
    errors.push({
      field: "closes-time",
      message: "That time does not exist on that day, because the clocks go forward then",
    });
    return null;
  }
  if (instant.getTime() <= now.getTime()) {
    errors.push({ field: "closes-day", message: "The closing time must be in the future" });
    return null;
  }
  return instant;
}

/**
 * Checks a new-poll form and turns it into a draft; every problem is reported at once. The
 * closing time is read in `timeZone`, the instance's wall clock.
 */
export function parsePollForm(form: PollForm, timeZone: string, now = new Date()): PollDraft {
  const errors: FieldError[] = [];
  const question = form.question.replace(/\s+/g, " ").trim();
  if (question.length === 0) errors.push({ field: "question", message: "Enter the question" });
  else if (question.length > MAX_QUESTION) {
    errors.push({
      field: "question",
      message: `The question must be ${MAX_QUESTION} characters or fewer`,
    });
  }
  if (form.body.length > MAX_BODY) {
    errors.push({ field: "body", message: "The description must be 10,000 characters or fewer" });
  }
  const options = optionLines(form.options);
  const problem = optionProblem(options);
  if (problem) errors.push({ field: "options", message: problem });
  if (form.choice !== "one" && form.choice !== "many") {
    errors.push({
      field: "choice",
      message: "Choose whether people can pick one option or several",
    });
  }
  const endsAt = closingTime(form.closes, timeZone, now, errors);
  if (errors.length > 0) throw new ValidationError(errors);
  return {
    question,
    body: form.body.replace(/\r\n/g, "\n").trim(),
    options,
    multiple: form.choice === "many",
    endsAt: endsAt!,
  };
}
