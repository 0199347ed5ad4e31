import { MAX_OPTIONS, MIN_OPTIONS, type PollForm } from "../../../domain/polls/form.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import { CommunityFormPage } from "../../views/community-form-page.tsx";
import {
  DateTimeInput,
  errorFor,
  type FieldError,
  Radios,
  Textarea,
  TextInput,
} from "../../views/components.tsx";
import type { PageContext } from "../../views/layout.tsx";

/**
 * The form a facilitator fills in to create a poll, or to change one nobody has voted in yet,
 * with what was typed and any problems.
 */
export function PollFormPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  values: PollForm;
  errors?: FieldError[];
  /** The instance's time zone, in which the closing time is read, e.g. "Europe/London". */
  timeZone: string;
  /** The poll being changed; a new poll when absent. */
  editing?: { pollPath: string } | undefined;
}) {
  const errors = props.errors ?? [];
  const v = props.values;
  const base = `${props.access.path}/polls`;
  const heading = props.editing ? "Change poll" : "Create a poll";
  const cancel = props.editing?.pollPath ?? base;
  return (
    <CommunityFormPage
      ctx={props.ctx}
      access={props.access}
      heading={heading}
      action={props.editing ? `${props.editing.pollPath}/edit` : `${base}/new`}
      submit={props.editing ? "Save changes" : "Create poll"}
      cancel={cancel}
      errors={errors}
    >
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
    </CommunityFormPage>
  );
}
