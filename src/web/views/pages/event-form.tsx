import { COMMON_TIME_ZONES } from "../../../domain/event-times.ts";
import type { EventForm } from "../../../domain/events.ts";
import type { ItemRow } from "../../../domain/items.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import {
  Button,
  CsrfField,
  ErrorMessage,
  ErrorSummary,
  errorFor,
  type FieldError,
  Textarea,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

/** Joins class names, skipping the ones whose condition was false. */
function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}

/**
 * A date (day, month, year boxes, as govuk-frontend's date input) and a time of day, in one
 * fieldset. The day box's id is `{name}-day`, which error summary links point at.
 */
export function DateTimeInput(props: {
  name: string;
  legend: string;
  hint: string;
  values: EventForm["start"];
  errors: FieldError[];
}) {
  const { name, values } = props;
  const dateError = errorFor(props.errors, `${name}-day`);
  const timeError = errorFor(props.errors, `${name}-time`);
  const hintId = `${name}-hint`;
  const dateErrorId = dateError ? `${name}-day-error` : undefined;
  const box = (part: "day" | "month" | "year", label: string, width: 2 | 4) => (
    <div class="govuk-date-input__item">
      <div class="govuk-form-group">
        <label class="govuk-label govuk-date-input__label" for={`${name}-${part}`}>
          {label}
        </label>
        <input
          class={cx(
            "govuk-input govuk-date-input__input",
            `govuk-input--width-${width}`,
            dateError && "govuk-input--error",
          )}
          id={`${name}-${part}`}
          name={`${name}-${part}`}
          type="text"
          inputmode="numeric"
          value={values[part]}
        />
      </div>
    </div>
  );
  return (
    <div class={cx("govuk-form-group", (dateError || timeError) && "govuk-form-group--error")}>
      <fieldset class="govuk-fieldset" aria-describedby={cx(hintId, dateErrorId) || undefined}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">{props.legend}</legend>
        <div id={hintId} class="govuk-hint">
          {props.hint}
        </div>
        {dateError ? <ErrorMessage id={dateErrorId}>{dateError}</ErrorMessage> : null}
        <div class="govuk-date-input govuk-!-margin-bottom-4" id={name}>
          {box("day", "Day", 2)}
          {box("month", "Month", 2)}
          {box("year", "Year", 4)}
        </div>
        <div
          class={cx(
            "govuk-form-group govuk-!-margin-bottom-0",
            timeError && "govuk-form-group--error",
          )}
        >
          <label class="govuk-label" for={`${name}-time`}>
            Time
          </label>
          <div id={`${name}-time-hint`} class="govuk-hint">
            For example, 9:30am or 14:30
          </div>
          {timeError ? <ErrorMessage id={`${name}-time-error`}>{timeError}</ErrorMessage> : null}
          <input
            class={cx("govuk-input govuk-input--width-5", timeError && "govuk-input--error")}
            id={`${name}-time`}
            name={`${name}-time`}
            type="text"
            value={values.time}
            aria-describedby={cx(`${name}-time-hint`, timeError && `${name}-time-error`)}
          />
        </div>
      </fieldset>
    </div>
  );
}

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
    <Layout
      ctx={props.ctx}
      title={`${props.heading} – ${props.access.group.name}`}
      errors={errors.length > 0}
      backLink={props.cancel}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <span class="govuk-caption-l">{props.access.group.name}</span>
          <h1 class="govuk-heading-l">{props.heading}</h1>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
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
            <div class="govuk-button-group">
              <Button>{props.submit}</Button>
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
