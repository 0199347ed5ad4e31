import { cx, describedBy } from "./classes.ts";
import { ErrorMessage, errorFor, type FieldError } from "./forms.tsx";

// A date and a time of day asked for together, as events' start and end and polls' closing
// time are. The date is govuk-frontend's date input (day, month and year boxes, after its
// date-input template); the time is one free-text box beside it, because people write times
// in many ways ("9:30am", "14:30") and the domain reads them all.

/** What was typed into a DateTimeInput, each part as text. */
export interface DateTimeValues {
  day: string;
  month: string;
  year: string;
  time: string;
}

/**
 * A date (day, month, year boxes) and a time of day in one fieldset. Errors are looked up as
 * `{name}-day` (the date) and `{name}-time`; the day box's id is `{name}-day`, which error
 * summary links point at.
 */
export function DateTimeInput(props: {
  name: string;
  legend: string;
  hint: string;
  values: DateTimeValues;
  errors: readonly FieldError[];
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
      <fieldset class="govuk-fieldset" aria-describedby={describedBy(hintId, dateErrorId)}>
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
