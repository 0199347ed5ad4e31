import type { CommunityState } from "../../../domain/communities.ts";
import type { Membership } from "../../../domain/membership.ts";
import { Button, CsrfField, Tag } from "../components.tsx";
import type { PageContext } from "../layout.tsx";
import { When } from "./items.tsx";

// Where the viewer stands with a community, near the top of its home page: join (or ask to),
// a pending request, a ban, or membership. Leaving is offered apart, at the end of the page
// (LeaveControl), so it is never the first button a member meets.

/** A form posting to one of the community's membership actions. */
function MembershipForm(props: {
  ctx: PageContext;
  path: string;
  action: string;
  label: string;
  variant?: "secondary" | "warning";
}) {
  return (
    <form method="post" action={`${props.path}/${props.action}`}>
      <CsrfField token={props.ctx.csrfToken} />
      <Button variant={props.variant}>{props.label}</Button>
    </form>
  );
}

/** The join, request, withdraw or ban state for the viewer (leaving is LeaveControl). */
export function MembershipControl(props: {
  ctx: PageContext;
  path: string;
  membership: Membership | undefined;
  isPrivate: boolean;
  banReason?: string | undefined;
  /** Whether the community takes new members (not closed or waiting for approval). */
  open: boolean;
}) {
  if (!props.ctx.user) {
    return (
      <p class="govuk-body">
        <a class="govuk-link" href={`/signin?return=${encodeURIComponent(props.path)}`}>
          Sign in
        </a>{" "}
        to join this community.
      </p>
    );
  }
  const m = props.membership;
  if (m?.state === "active") {
    return (
      <p class="govuk-body">
        You are a {m.role === "facilitator" ? "facilitator" : "member"} of this community.
      </p>
    );
  }
  if (m?.state === "banned" && (!m.bannedUntil || m.bannedUntil > new Date())) {
    return (
      <div class="govuk-inset-text">
        <p class="govuk-body">
          A facilitator has banned you from this community
          {m.bannedUntil ? (
            <>
              {" "}
              until <When date={m.bannedUntil} />
            </>
          ) : null}
          .
        </p>
        {props.banReason ? <p class="govuk-body">Reason: {props.banReason}</p> : null}
      </div>
    );
  }
  if (m?.state === "pending") {
    return (
      <>
        <p class="govuk-body">
          <Tag colour="yellow">Request pending</Tag> A facilitator will decide on your request.
        </p>
        <MembershipForm
          ctx={props.ctx}
          path={props.path}
          action="leave"
          label="Withdraw request"
          variant="secondary"
        />
      </>
    );
  }
  // Nobody may join a closed community (its members, answered above, may still leave).
  if (!props.open) return null;
  return (
    <>
      {m?.state === "rejected" ? (
        <p class="govuk-body">Your last request to join was not accepted. You can ask again.</p>
      ) : null}
      <MembershipForm
        ctx={props.ctx}
        path={props.path}
        action="join"
        label={props.isPrivate ? "Ask to join" : "Join community"}
      />
    </>
  );
}

/** "Leave community", for active members, at the end of the page. */
export function LeaveControl(props: {
  ctx: PageContext;
  path: string;
  membership: Membership | undefined;
}) {
  if (props.membership?.state !== "active") return null;
  return (
    <>
      <h2 class="govuk-heading-s">Your membership</h2>
      <MembershipForm
        ctx={props.ctx}
        path={props.path}
        action="leave"
        label="Leave community"
        variant="secondary"
      />
    </>
  );
}

/** What the administrators decided about a community, for everyone who can see its page. */
export function StandingNotice(props: { state: CommunityState; reason: string }) {
  if (props.state === "open") return null;
  const text =
    props.state === "pending"
      ? "This community is awaiting an administrator's approval. Until then it is not listed, other servers cannot see it and nobody can join."
      : props.state === "rejected"
        ? "An administrator did not approve this community."
        : "This community is closed: you can read it, but nothing new can be posted and nobody can join.";
  return (
    <div class="govuk-inset-text">
      <p class="govuk-body">{text}</p>
      {props.reason ? <p class="govuk-body">Reason: {props.reason}</p> : null}
    </div>
  );
}
