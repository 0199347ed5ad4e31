import type { EventForm } from "../../../domain/events/events.ts";
import { COMMON_TIME_ZONES } from "../../../domain/events/times.ts";
import type { ItemRow } from "../../../domain/items.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import { CommunityFormPage } from "../../views/community-form-page.tsx";
import { cx } from "../../views/components/classes.ts";
import {
  Button,
  CsrfField,
  DateTimeInput,
  ErrorMessage,
  errorFor,
  type FieldError,
  Textarea,
  TextInput,
} from "../../views/components.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

/** The time zone select: the common zones, plus the current value when it is another one. */
function TimeZoneSelect(props: { value: string; error?: string | undefined }) {
  const zones: string[] = [...COMMON_TIME_ZONES];
  if (props.value && !zones.includes(props.value)) zones.unshift(props.value);
  return (
    <div class={cx("govuk-form-group", props.error && "govuk-form-group--error")}>
      <label class="govuk-label govuk-label--m" for="timezone">
        Time zone
      </label>
      <div id="timezone-hint" class="govuk-hint">
        The start and end times are in this time zone. Events in the UK use London time.
      </div>
      {props.error ? <ErrorMessage id="timezone-error">{props.error}</ErrorMessage> : null}
      <select
        class={cx("govuk-select", props.error && "govuk-select--error")}
        id="timezone"
        name="timezone"
        aria-describedby={cx("timezone-hint", props.error && "timezone-error")}
      >
        {zones.map((zone) => (
          <option value={zone} selected={zone === props.value}>
            {zone === "UTC" ? "UTC (Coordinated Universal Time)" : zone.replace(/_/g, " ")}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The form for adding or changing an event. */
export function EventFormPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  action: string;
  heading: string;
  submit: string;
  values: EventForm;
  errors?: FieldError[];
  cancel: string;
}) {
  const errors = props.errors ?? [];
  const v = props.values;
  return (
    <CommunityFormPage
      ctx={props.ctx}
      access={props.access}
      heading={props.heading}
      action={props.action}
      submit={props.submit}
      cancel={props.cancel}
      errors={errors}
    >
      <TextInput
        name="title"
        label="Title"
        labelClass="govuk-label--m"
        value={v.title}
        error={errorFor(errors, "title")}
      />
      <Textarea
        name="body"
        label="Description (optional)"
        labelClass="govuk-label--m"
        hint="What the event is for and who should come. You can use Markdown: **bold**, _italic_, [links](https://example.org) and lists."
        value={v.body}
        error={errorFor(errors, "body")}
        rows={8}
      />
      <DateTimeInput
        name="start"
        legend="Start"
        hint="For example, 27 3 2026"
        values={v.start}
        errors={errors}
      />
      <DateTimeInput
        name="end"
        legend="End"
        hint="Leave the date empty if the event ends on the day it starts."
        values={v.end}
        errors={errors}
      />
      <TimeZoneSelect value={v.timezone} error={errorFor(errors, "timezone")} />
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Where</legend>
        <div class="govuk-hint">Give a venue, an online link, or both.</div>
        <TextInput
          name="location-name"
          label="Venue (optional)"
          hint="For example, Council Chamber, County Hall"
          value={v.locationName}
          error={errorFor(errors, "location-name")}
        />
        <Textarea
          name="location-address"
          label="Address (optional)"
          value={v.locationAddress}
          error={errorFor(errors, "location-address")}
          autocomplete="off"
          rows={3}
        />
        <TextInput
          name="online-url"
          label="Online link (optional)"
          hint="The address people use to join, for example https://meet.example.org/team"
          value={v.onlineUrl}
          error={errorFor(errors, "online-url")}
          spellcheck={false}
          inputmode="url"
        />
      </fieldset>
      <TextInput
        name="contact"
        label="Contact (optional)"
        labelClass="govuk-label--m"
        hint="Who to ask about the event: a name, email address or phone number."
        value={v.contact}
        error={errorFor(errors, "contact")}
      />
    </CommunityFormPage>
  );
}

/** Asks before deleting an event. */
export function DeleteEventPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  item: ItemRow;
  action: string;
  cancel: string;
}) {
  return (
    <Layout ctx={props.ctx} title={`Delete ${props.item.title}?`} backLink={props.cancel}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <span class="govuk-caption-l">{props.access.group.name}</span>
          <h1 class="govuk-heading-l">Delete “{props.item.title}”?</h1>
          <div class="govuk-warning-text">
            <span class="govuk-warning-text__icon" aria-hidden="true">
              !
            </span>
            <strong class="govuk-warning-text__text">
              <span class="govuk-visually-hidden">Warning</span>
              Deleting removes the event here and on other servers. People who said they were going
              are not told.
            </strong>
          </div>
          <form method="post" action={props.action}>
            <CsrfField token={props.ctx.csrfToken} />
            <div class="govuk-button-group">
              <Button variant="warning">Delete event</Button>
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
