import { MAX_OPTIONS, MIN_OPTIONS, type PollForm } from "../../../domain/poll-form.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Radios,
  Textarea,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { DateTimeInput } from "./event-form.tsx";

/** The form a facilitator fills in to create a poll, with what was typed and any problems. */
export function PollFormPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  values: PollForm;
  errors?: FieldError[];
  /** The instance's time zone, in which the closing time is read, e.g. "Europe/London". */
  timeZone: string;
}) {
  const errors = props.errors ?? [];
  const v = props.values;
  const base = `${props.access.path}/polls`;
  return (
    <Layout
      ctx={props.ctx}
      title={`Create a poll – ${props.access.group.name}`}
      errors={errors.length > 0}
      backLink={base}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <span class="govuk-caption-l">{props.access.group.name}</span>
          <h1 class="govuk-heading-l">Create a poll</h1>
          <form method="post" action={`${base}/new`} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="question"
              label="Question"
              labelClass="govuk-label--m"
              hint="For example, Which day suits the next forum?"
              value={v.question}
              error={errorFor(errors, "question")}
            />
            <Textarea
              name="body"
              label="More about this poll (optional)"
              labelClass="govuk-label--m"
              hint="Why you are asking or what happens with the answers. You can use Markdown."
              value={v.body}
              error={errorFor(errors, "body")}
              rows={4}
            />
            <Textarea
              name="options"
              label="Options"
              labelClass="govuk-label--m"
              hint={`Put each option on its own line. Give between ${MIN_OPTIONS} and ${MAX_OPTIONS} different options.`}
              value={v.options}
              error={errorFor(errors, "options")}
              rows={6}
            />
            <Radios
              name="choice"
              legend="How many options can each person choose?"
              legendSize="m"
              value={v.choice}
              error={errorFor(errors, "choice")}
              items={[
                { value: "one", text: "One option" },
                { value: "many", text: "One or more options" },
              ]}
            />
            <DateTimeInput
              name="closes"
              legend="When does the poll close?"
              hint={`For example, 27 3 2026. Times are ${props.timeZone.replace(/_/g, " ")} time.`}
              values={v.closes}
              errors={errors}
            />
            <div class="govuk-button-group">
              <Button>Create poll</Button>
              <a class="govuk-link" href={base}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}
