import type { Context } from "hono";
import { instantToLocalFields } from "../../domain/events/times.ts";
import type { ItemRow } from "../../domain/items.ts";
import { isFacilitator } from "../../domain/membership.ts";
import type { PollForm } from "../../domain/polls/form.ts";
import { type PollResults, pollEndTimes, pollResults } from "../../domain/polls/polls.ts";
import { type CommunityAccess, itemIn, readableSection } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { NotFoundPage } from "../views/errors.tsx";
import type { PollClosingTimes } from "./views/poll-closing.tsx";

type C = Context<AppEnv>;

/** Resolves the community and checks the viewer may read its polls (see readableSection). */
export function readablePolls(c: C): CommunityAccess | Promise<Response> {
  return readableSection(c, "polls");
}

/** Whether the viewer may create polls here: a facilitator of this local community. */
export function mayCreatePoll(c: C, access: CommunityAccess): boolean {
  const viewer = c.get("account")?.actor;
  return (
    viewer !== undefined &&
    access.group.isLocal &&
    isFacilitator(c.get("deps").db, access.group.id, viewer.id)
  );
}

/** The poll the path names, if it belongs to this community and the viewer may see it. */
export function pollIn(
  c: C,
  access: CommunityAccess,
): { item: ItemRow; results: PollResults } | undefined {
  const item = itemIn(c, access, "poll");
  if (!item) return undefined;
  const results = pollResults(c.get("deps").db, item);
  return results ? { item, results } : undefined;
}

/** The 404 page for a poll that does not exist (or that the viewer may not know about). */
export function pollNotFound(c: C) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="That poll does not exist, or was deleted." />,
    404,
  );
}

/** Reads the new-poll form's fields as typed. */
export function pollFormFrom(f: Record<string, string>): PollForm {
  const get = (name: string) => f[name] ?? "";
  return {
    question: get("question"),
    body: get("body"),
    options: get("options"),
    choice: get("choice"),
    closes: {
      day: get("closes-day"),
      month: get("closes-month"),
      year: get("closes-year"),
      time: get("closes-time"),
    },
  };
}

/** The poll form filled in with a poll as it stands, for changing it. */
export function pollFormOf(item: ItemRow, results: PollResults, timeZone: string): PollForm {
  return {
    question: item.title,
    body: item.bodySource ?? "",
    options: results.options.map((o) => o.name).join("\n"),
    choice: results.multiple ? "many" : "one",
    closes: instantToLocalFields(results.endsAt, timeZone),
  };
}

/** When the polls among some listed items close, so a list can say "Closes in 3 days". */
export function pollClosingTimes(c: C, listed: { item: ItemRow }[] | null): PollClosingTimes {
  const ids = (listed ?? []).filter(({ item }) => item.kind === "poll").map(({ item }) => item.id);
  return {
    endsAt: pollEndTimes(c.get("deps").db, ids),
    timeZone: c.get("deps").config.timeZone,
    now: new Date(),
  };
}
