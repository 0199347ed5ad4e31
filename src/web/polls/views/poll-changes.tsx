import type { ItemRow } from "../../../domain/items.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import { Button, CsrfField } from "../../views/components.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { votersText } from "./poll-results.tsx";

/** What a facilitator may do to a poll, worked out by the route. */
export interface PollManagement {
  /** Whether the poll may still be changed: it is open and nobody has voted. */
  mayEdit: boolean;
}

/** A facilitator's links under a poll: change it (before any vote), close it early, delete it. */
export function PollActions(props: { pollPath: string; closed: boolean; manage: PollManagement }) {
  const { pollPath } = props;
  return (
    <>
      <h2 class="govuk-heading-m">Manage this poll</h2>
      {props.closed || props.manage.mayEdit ? null : (
        <p class="govuk-body">People have voted in this poll, so it can no longer be changed.</p>
      )}
      <ul class="govuk-list">
        {props.manage.mayEdit ? (
          <li>
            <a class="govuk-link" href={`${pollPath}/edit`}>
              Change this poll
            </a>
          </li>
        ) : null}
        {props.closed ? null : (
          <li>
            <a class="govuk-link" href={`${pollPath}/close`}>
              Close this poll now
            </a>
          </li>
        )}
        <li>
          <a class="govuk-link" href={`${pollPath}/delete`}>
            Delete this poll
          </a>
        </li>
      </ul>
    </>
  );
}

/** A confirmation page: the question, a warning, and a form with one button and a way back. */
function Confirm(props: {
  ctx: PageContext;
  access: CommunityAccess;
  title: string;
  warning: string;
  action: string;
  button: string;
  variant?: "warning";
  cancel: string;
}) {
  return (
    <Layout ctx={props.ctx} title={props.title} backLink={props.cancel}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <span class="govuk-caption-l">{props.access.group.name} polls</span>
          <h1 class="govuk-heading-l">{props.title}</h1>
          {/* govuk-frontend's warning text: the icon is decoration, the word "Warning" is read. */}
          <div class="govuk-warning-text">
            <span class="govuk-warning-text__icon" aria-hidden="true">
              !
            </span>
            <strong class="govuk-warning-text__text">
              <span class="govuk-visually-hidden">Warning</span>
              {props.warning}
            </strong>
          </div>
          <form method="post" action={props.action}>
            <CsrfField token={props.ctx.csrfToken} />
            <div class="govuk-button-group">
              <Button variant={props.variant}>{props.button}</Button>
              <a class="govuk-link" href={props.cancel}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** Asks before closing a poll early. */
export function ClosePollPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  item: ItemRow;
  voters: number;
  pollPath: string;
}) {
  return (
    <Confirm
      ctx={props.ctx}
      access={props.access}
      title={`Close “${props.item.title}” now?`}
      warning={`Nobody will be able to vote or change their vote after this, and the results will be shown to everyone. ${votersText(props.voters)}. You cannot open the poll again.`}
      action={`${props.pollPath}/close`}
      button="Close poll now"
      cancel={props.pollPath}
    />
  );
}

/** Asks before deleting a poll. */
export function DeletePollPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  item: ItemRow;
  voters: number;
  pollPath: string;
}) {
  return (
    <Confirm
      ctx={props.ctx}
      access={props.access}
      title={`Delete “${props.item.title}”?`}
      warning={`Deleting removes the poll and its votes here and on other servers. ${votersText(props.voters)}.`}
      action={`${props.pollPath}/delete`}
      button="Delete poll"
      variant="warning"
      cancel={props.pollPath}
    />
  );
}
