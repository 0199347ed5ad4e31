import type { Child } from "hono/jsx";
import {
  Button,
  Checkbox,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Radios,
  Textarea,
} from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";

/** How long a ban lasts, as offered on the ban form (days; "forever" has none). */
export const BAN_PERIODS = [
  { value: "forever", text: "Until a facilitator lifts it" },
  { value: "1", text: "1 day" },
  { value: "7", text: "7 days" },
  { value: "30", text: "30 days" },
] as const;

/**
 * The confirmation page every moderation action goes through: what will happen, a reason
 * (shown in the moderation log and, where it makes sense, to the person), and for bans how
 * long and whether to remove what they posted. Works without JavaScript.
 */
export function ModerationActionPage(props: {
  ctx: PageContext;
  communityName: string;
  heading: string;
  /** What will happen, in a sentence or two. */
  explanation: Child;
  action: string;
  cancel: string;
  button: string;
  destructive: boolean;
  reasonOptional?: boolean;
  withBanFields?: boolean;
  values?: { reason?: string; period?: string; removeContent?: boolean };
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const v = props.values ?? {};
  return (
    <Layout
      ctx={props.ctx}
      title={`${props.heading} – ${props.communityName}`}
      errors={errors.length > 0}
      backLink={props.cancel}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <span class="govuk-caption-l">{props.communityName}</span>
          <h1 class="govuk-heading-l">{props.heading}</h1>
          <div class="govuk-body">{props.explanation}</div>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <Textarea
              name="reason"
              label={props.reasonOptional ? "Reason (optional)" : "Reason"}
              hint="Shown in the community's moderation log, and to the person concerned."
              value={v.reason}
              error={errorFor(errors, "reason")}
              rows={3}
            />
            {props.withBanFields ? (
              <>
                <Radios
                  name="period"
                  legend="How long for"
                  legendSize="s"
                  items={BAN_PERIODS}
                  value={v.period ?? "forever"}
                  error={errorFor(errors, "period")}
                />
                <Checkbox
                  name="removeContent"
                  value="yes"
                  label="Also remove everything they posted in this community"
                  checked={v.removeContent === true}
                />
              </>
            ) : null}
            <div class="govuk-button-group">
              <Button variant={props.destructive ? "warning" : undefined}>{props.button}</Button>
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
