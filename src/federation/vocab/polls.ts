import { type Object as APObject, Collection, Note, Question } from "@fedify/vocab";
import { htmlToPlainText } from "../../domain/html.ts";
import type { ItemRow } from "../../domain/items.ts";
import type { PollResults, RemotePollDetails } from "../../domain/polls/polls.ts";

// A poll is a Question, as Mastodon writes one: `oneOf` (single choice) or `anyOf` (several)
// holding a Note per option whose `name` is the option and whose `replies.totalItems` is its
// count; `endTime` is when voting stops, `closed` is set once it has, and `votersCount` counts
// people. Mastodon shows the Question's `content` as the post's text, so the question goes
// there too, above the facilitator's description. Votes come back as Create{Note} with `name`
// = the option and `inReplyTo` = the Question (src/federation/inbox/polls.ts).

/** Property values the Question constructor takes. */
type QuestionValues = ConstructorParameters<typeof Question>[0];

function instant(at: Date): Temporal.Instant {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime());
}

/** The question as the opening paragraph of the Question's content. */
function questionParagraph(title: string): string {
  const escaped = title
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
  return `<p>${escaped}</p>`;
}

/** The Question for a local poll, from the values every item object shares and its totals. */
export function pollQuestion(
  values: QuestionValues,
  item: ItemRow,
  results: PollResults | undefined,
): Question {
  const options = (results?.options ?? []).map(
    (o) => new Note({ name: o.name, replies: new Collection({ totalItems: o.count }) }),
  );
  return new Question({
    ...values,
    name: item.title,
    content: questionParagraph(item.title) + item.bodyHtml,
    ...(results?.multiple ? { inclusiveOptions: options } : { exclusiveOptions: options }),
    endTime: results ? instant(results.endsAt) : null,
    closed: results?.closed ? instant(results.endsAt) : null,
    voters: results?.voters ?? 0,
  });
}

/**
 * A remote poll's body without the opening paragraph that only repeats its question (how
 * Copse writes its Questions), so the question is not shown twice.
 */
export function pollBodyHtml(bodyHtml: string, title: string): string {
  // Compared as text: the receiving sanitizer may encode entities differently.
  const opening = /^\s*<p>([\s\S]*?)<\/p>/.exec(bodyHtml);
  if (!opening || htmlToPlainText(opening[0]).trim() !== title.trim()) return bodyHtml;
  return bodyHtml.slice(opening[0].length).trim();
}

// A poll with neither an end time nor `closed` stays open; it is stored as closing in 9999.
const NEVER = new Date("9999-12-31T23:59:59Z");
const MAX_OPTIONS = 20;

/** Reads a Note option's name and count, or null for anything else. */
async function optionOf(option: APObject): Promise<{ name: string; count: number } | null> {
  if (!(option instanceof Note)) return null;
  const name = option.name?.toString().replace(/\s+/g, " ").trim() ?? "";
  if (!name) return null;
  const replies = await option.getReplies().catch(() => null);
  const total = replies?.totalItems ?? 0;
  return { name: name.slice(0, 200), count: Number.isInteger(total) && total > 0 ? total : 0 };
}

/**
 * What Copse keeps of a remote Question: single or multiple choice, when it closes, and its
 * home's totals. Options come embedded (as Mastodon and Copse send them); none are fetched.
 */
export async function remotePollDetails(object: Question): Promise<RemotePollDetails | null> {
  let found: APObject[];
  let multiple = false;
  try {
    found = await collect(object.getExclusiveOptions());
    if (found.length === 0) {
      found = await collect(object.getInclusiveOptions());
      multiple = true;
    }
  } catch {
    return null;
  }
  const options: { name: string; count: number }[] = [];
  for (const option of found) {
    const read = await optionOf(option);
    if (read && !options.some((o) => o.name === read.name)) options.push(read);
  }
  if (options.length === 0) return null;
  const closed = object.closed;
  const closedAt =
    closed instanceof Temporal.Instant
      ? new Date(closed.epochMilliseconds)
      : closed
        ? new Date()
        : null;
  const endTime = object.endTime ? new Date(object.endTime.epochMilliseconds) : null;
  const candidates = [closedAt, endTime].filter((d): d is Date => d !== null);
  const endsAt = candidates.length > 0 ? new Date(Math.min(...candidates.map(Number))) : NEVER;
  const voters = object.voters;
  return {
    multiple,
    endsAt,
    votersCount: typeof voters === "number" && voters > 0 ? voters : 0,
    options,
  };
}

/** The first options a Question lists (a hostile one could list thousands). */
async function collect(options: AsyncIterable<APObject>): Promise<APObject[]> {
  const found: APObject[] = [];
  for await (const option of options) {
    found.push(option);
    if (found.length >= MAX_OPTIONS) break;
  }
  return found;
}
