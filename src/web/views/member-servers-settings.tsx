import type { MemberServerRule } from "../../domain/member-servers.ts";
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Radios,
  Textarea,
} from "./components.tsx";
import type { PageContext } from "./layout.tsx";

// Part of a private community's settings: which servers' people it accepts as members.
// The page says plainly why: members-only posts are delivered to every member's server, and
// only some servers keep them from their other users.

/** The form choosing where a private community's remote members may come from. */
export function MemberServersForm(props: {
  ctx: PageContext;
  path: string;
  rule: MemberServerRule;
  /** What was typed, when a save was refused. */
  typed?: { mode: string; allowed: string } | undefined;
  errors?: FieldError[] | undefined;
}) {
  const errors = props.errors ?? [];
  return (
    <form method="post" action={`${props.path}/settings/member-servers`} novalidate>
      <CsrfField token={props.ctx.csrfToken} />
      <ErrorSummary errors={errors} />
      <h2 class="govuk-heading-m" id="member-servers-heading">
        Members on other servers
      </h2>
      <p class="govuk-body">
        Members-only posts are sent to the server of every member. Copse shows them only to members,
        and Mastodon keeps followers-only posts from its other users, but Lemmy and NodeBB do not
        honour private addressing: they store what they receive and show it to anyone who visits
        them.
      </p>
      <Radios
        name="member-servers"
        legend="Accept people from"
        legendSize="s"
        value={props.typed?.mode ?? props.rule.mode}
        error={errorFor(errors, "member-servers")}
        items={[
          { value: "anywhere", text: "Any server", hint: "Including Lemmy and NodeBB." },
          {
            value: "copse",
            text: "Copse instances only, and the servers listed below",
            hint: "Other servers' requests are refused. People who are already members stay.",
          },
        ]}
      />
      <Textarea
        name="allowed-servers"
        label="Other servers to accept (optional)"
        hint="Server names such as social.example.org, one a line. Used only with Copse instances only."
        value={props.typed?.allowed ?? props.rule.allowed.join("\n")}
        error={errorFor(errors, "allowed-servers")}
        rows={4}
      />
      <Button>Save members' servers</Button>
    </form>
  );
}
