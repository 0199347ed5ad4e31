import type { Context } from "hono";
import { getActor } from "../../domain/actors.ts";
import type { ItemRow } from "../../domain/items.ts";
import { hasVotes, mayChangePoll } from "../../domain/polls/changes.ts";
import type { PollResults } from "../../domain/polls/polls.ts";
import { mayVote, votesOf } from "../../domain/polls/votes.ts";
import type { CommunityAccess } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { itemCommentsData } from "../routes/item-comments.tsx";
import type { FieldError } from "../views/components.tsx";
import { itemTagsData } from "../views/tags.tsx";
import { PollPage, type VoteState } from "./views/polls-page.tsx";

type C = Context<AppEnv>;

/** What the viewer may do about voting: vote, change, see their vote, or why they cannot. */
function voteState(
  c: C,
  item: ItemRow,
  results: PollResults,
  chosen: number[],
  form?: { change: boolean; chosen: number[]; errors: FieldError[] },
): VoteState {
  const viewer = c.get("account")?.actor;
  if (results.closed) return { kind: "closed" };
  if (!viewer) return { kind: "signed-out" };
  if (!mayVote(c.get("deps").db, item, viewer.id)) return { kind: "not-member" };
  if (form) return { kind: "form", ...form };
  // Votes sent to another server cannot be taken back there, so only local polls offer a change.
  const mayChange = item.isLocal;
  if (chosen.length === 0) return { kind: "form", change: false, chosen: [], errors: [] };
  if (mayChange && c.req.query("change") === "yes") {
    return { kind: "form", change: true, chosen, errors: [] };
  }
  return { kind: "voted", mayChange };
}

/** Renders a poll's page, optionally with the vote form as submitted or a notice. */
export function showPoll(
  c: C,
  access: CommunityAccess,
  found: { item: ItemRow; results: PollResults },
  options: {
    status?: 200 | 409 | 422;
    notice?: string;
    form?: { change: boolean; chosen: number[]; errors: FieldError[] };
  } = {},
) {
  const { db, config } = c.get("deps");
  const viewer = c.get("account")?.actor;
  const { item, results } = found;
  const chosen = viewer ? votesOf(db, item.id, viewer.id).map((v) => v.optionId) : [];
  return render(
    c,
    <PollPage
      ctx={pageContext(c)}
      access={access}
      item={item}
      author={getActor(db, item.authorId)}
      results={results}
      state={voteState(c, item, results, chosen, options.form)}
      chosen={chosen}
      timeZone={config.timeZone}
      notice={options.notice}
      tags={itemTagsData(db, item, viewer?.id)}
      comments={itemCommentsData(c, access, item)}
      manage={
        viewer && mayChangePoll(db, item, viewer.id)
          ? { mayEdit: !results.closed && !hasVotes(db, item.id) }
          : undefined
      }
    />,
    options.status ?? 200,
  );
}
