import {
  type AlertChoice,
  type AlertChoices,
  SET_ALL_FIELD,
  setAllFieldFor,
} from "../../../domain/alerts/settings.ts";
import { FREQUENCIES, FREQUENCY_LABELS } from "../../../domain/alerts/topics.ts";
import {
  Button,
  CsrfField,
  ErrorMessage,
  ErrorSummary,
  errorFor,
  type FieldError,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

/** Where a person tunes their email alerts. */
export const ALERT_SETTINGS_PATH = "/settings/alerts";

/**
 * One select for one topic, as govuk-frontend's select component. The visually hidden context
 * ("in Garden") tells screen reader users which community's forum they are setting, since
 * every community has a "Forum" select.
 */
function FrequencySelect(props: { choice: AlertChoice; context?: string; error?: string }) {
  const { choice } = props;
  const errorId = props.error ? `${choice.field}-error` : undefined;
  return (
    <div class={`govuk-form-group${props.error ? " govuk-form-group--error" : ""}`}>
      <label class="govuk-label" for={choice.field}>
        {choice.label}
        {props.context ? <span class="govuk-visually-hidden">{` in ${props.context}`}</span> : null}
      </label>
      {props.error ? <ErrorMessage id={errorId}>{props.error}</ErrorMessage> : null}
      <select
        class={`govuk-select${props.error ? " govuk-select--error" : ""}`}
        id={choice.field}
        name={choice.field}
        aria-describedby={errorId}
      >
        {FREQUENCIES.map((f) => (
          <option value={f} selected={f === choice.frequency}>
            {FREQUENCY_LABELS[f]}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A "set all" select: "As chosen below" leaves the section selects as they are; a frequency
 * applies to every one of them when the form is saved, which works without JavaScript.
 */
function SetAllSelect(props: { field: string; label: string; hint: string; error?: string }) {
  const hintId = `${props.field}-hint`;
  const errorId = props.error ? `${props.field}-error` : undefined;
  return (
    <div class={`govuk-form-group${props.error ? " govuk-form-group--error" : ""}`}>
      <label class="govuk-label govuk-label--s" for={props.field}>
        {props.label}
      </label>
      <div class="govuk-hint" id={hintId}>
        {props.hint}
      </div>
      {props.error ? <ErrorMessage id={errorId}>{props.error}</ErrorMessage> : null}
      <select
        class={`govuk-select${props.error ? " govuk-select--error" : ""}`}
        id={props.field}
        name={props.field}
        aria-describedby={errorId ? `${hintId} ${errorId}` : hintId}
      >
        <option value="" selected>
          As chosen below
        </option>
        {FREQUENCIES.map((f) => (
          <option value={f}>{FREQUENCY_LABELS[f]}</option>
        ))}
      </select>
    </div>
  );
}

/** A group of selects under its own heading, as a fieldset whose legend is the heading. */
function ChoiceGroup(props: {
  heading: string;
  hint?: string;
  id: string;
  choices: AlertChoice[];
  context?: string;
  errors: FieldError[];
  /** The field of this group's "set all" select, for a community. */
  setAll?: string;
}) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset" aria-describedby={hintId}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
          <h2 class="govuk-fieldset__heading" id={props.id}>
            {props.heading}
          </h2>
        </legend>
        {props.hint ? (
          <div class="govuk-hint" id={hintId}>
            {props.hint}
          </div>
        ) : null}
        {props.setAll ? (
          <SetAllSelect
            field={props.setAll}
            label={`All sections of ${props.context ?? props.heading}`}
            hint="Sets every alert in this community at once"
            error={errorFor(props.errors, props.setAll)}
          />
        ) : null}
        {props.choices.map((choice) => (
          <FrequencySelect
            choice={choice}
            context={props.context}
            error={errorFor(props.errors, choice.field)}
          />
        ))}
      </fieldset>
    </div>
  );
}

/** The email alert settings form: personal streams, then one group per community. */
export function AlertSettingsPage(props: {
  ctx: PageContext;
  choices: AlertChoices;
  email: string;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout ctx={props.ctx} title="Email alerts" errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Email alerts</h1>
          <p class="govuk-body">
            Choose what you hear about by email, and how often. Alerts go to{" "}
            <strong>{props.email}</strong>. Immediate alerts arrive within a minute; digests gather
            everything into one email a day or a week.
          </p>
          <form method="post" action={ALERT_SETTINGS_PATH} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            {props.choices.communities.length > 0 ? (
              <SetAllSelect
                field={SET_ALL_FIELD}
                label="Set every alert"
                hint="Sets all your alerts at once, in every community; leave it to choose them one by one"
                error={errorFor(errors, SET_ALL_FIELD)}
              />
            ) : null}
            <ChoiceGroup
              heading="Messages and replies"
              id="alerts-personal"
              choices={props.choices.personal}
              errors={errors}
            />
            {props.choices.communities.length === 0 ? (
              <p class="govuk-body">
                When you join communities you can choose alerts for each of their sections here.{" "}
                <a class="govuk-link" href="/communities">
                  Browse all communities
                </a>
                .
              </p>
            ) : (
              props.choices.communities.map(({ group, choices }) => (
                <ChoiceGroup
                  heading={group.name || group.handle}
                  hint={group.isLocal ? undefined : `Hosted on ${group.host}`}
                  id={groupAnchor(group)}
                  choices={choices}
                  context={group.name || group.handle}
                  errors={errors}
                  setAll={setAllFieldFor(group.id)}
                />
              ))
            )}
            <Button>Save alert settings</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** The page an unsubscribe link opens: it asks first, because mail scanners open links. */
export function UnsubscribePage(props: { ctx: PageContext; label: string; action: string }) {
  return (
    <Layout ctx={props.ctx} title="Unsubscribe from email alerts">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Unsubscribe from email alerts</h1>
          <p class="govuk-body">
            You will stop getting emails about: <strong>{props.label}</strong>.
          </p>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <Button>Unsubscribe</Button>
          </form>
          <p class="govuk-body">
            If you do not want to unsubscribe, you can close this page. Nothing has changed.
          </p>
        </div>
      </div>
    </Layout>
  );
}

/** What the reader sees once an unsubscribe link has done its work. */
export function UnsubscribedPage(props: { ctx: PageContext; label: string }) {
  return (
    <Layout ctx={props.ctx} title="You have unsubscribed">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <div class="govuk-panel govuk-panel--confirmation">
            <h1 class="govuk-panel__title">You have unsubscribed</h1>
            <div class="govuk-panel__body">
              No more emails about <strong>{props.label}</strong>
            </div>
          </div>
          <p class="govuk-body">
            You can switch alerts back on, or change how often you get them, in your{" "}
            <a class="govuk-link" href={ALERT_SETTINGS_PATH}>
              email alert settings
            </a>{" "}
            (you will need to sign in).
          </p>
        </div>
      </div>
    </Layout>
  );
}

/** The anchor of a community's group on the alert settings page. */
function groupAnchor(group: { handle: string; host: string; isLocal: boolean }): string {
  const key = group.isLocal ? group.handle : `${group.handle}-${group.host}`;
  return `alerts-${key.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/** The "Email alerts" link in a community's section list, for its active members. */
export function CommunityAlertsLink(props: {
  show: boolean;
  group: { handle: string; host: string; isLocal: boolean };
}) {
  if (!props.show) return null;
  return (
    <li>
      <a class="govuk-link" href={`${ALERT_SETTINGS_PATH}#${groupAnchor(props.group)}`}>
        Email alerts
      </a>
    </li>
  );
}
