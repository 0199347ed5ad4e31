import type { Child } from "hono/jsx";
import { cx, describedBy } from "./classes.ts";

// Form components: error summary and messages, the CSRF field, labels, hints, text fields and
// buttons. Each reproduces the markup of its govuk-frontend 6 Nunjucks template
// (node_modules/govuk-frontend/dist/govuk/components/*/template.njk) so the compiled
// govuk-frontend CSS styles it unchanged. A field's id is its name, as in govuk-frontend, so an
// error summary link to `#name` always lands on a real control.

/** One problem with a submitted form, shown in the error summary and beside its field. */
export interface FieldError {
  field: string;
  message: string;
}

/** Returns the message for one field from a list of form errors, if it has one. */
export function errorFor(
  errors: readonly FieldError[] | undefined,
  field: string,
): string | undefined {
  return errors?.find((e) => e.field === field)?.message;
}

/** Hidden input carrying the CSRF token that every POST form must send back. */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/** Error summary listing every problem with links to the fields; renders nothing without errors. */
export function ErrorSummary(props: { errors: readonly FieldError[]; title?: string }) {
  if (props.errors.length === 0) return null;
  // govuk-frontend's script focuses the summary on load; without JavaScript, tabindex="-1" and
  // autofocus give keyboard and screen reader users the same start point. The alert role sits
  // on an inner element, as in govuk-frontend, so the focus move does not cut the announcement.
  return (
    <div class="govuk-error-summary" data-module="govuk-error-summary" tabindex={-1} autofocus>
      <div role="alert">
        <h2 class="govuk-error-summary__title">{props.title ?? "There is a problem"}</h2>
        <div class="govuk-error-summary__body">
          <ul class="govuk-list govuk-error-summary__list">
            {props.errors.map((e) => (
              <li>
                <a href={`#${e.field}`}>{e.message}</a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

/** Inline error message; the hidden "Error:" prefix tells screen reader users what it is. */
export function ErrorMessage(props: { id?: string; children: Child }) {
  return (
    <p id={props.id} class="govuk-error-message">
      <span class="govuk-visually-hidden">Error:</span> {props.children}
    </p>
  );
}

/** Hint text under a label or legend. */
export function Hint(props: { id: string; class?: string; children: Child }) {
  return (
    <div id={props.id} class={cx("govuk-hint", props.class)}>
      {props.children}
    </div>
  );
}

/** A label, wrapped in the page's h1 when the question is the page heading. */
function Label(props: { for: string; isPageHeading?: boolean; class?: string; children: Child }) {
  if (props.isPageHeading) {
    return (
      <h1 class="govuk-label-wrapper">
        <label class={cx("govuk-label", props.class ?? "govuk-label--l")} for={props.for}>
          {props.children}
        </label>
      </h1>
    );
  }
  return (
    <label class={cx("govuk-label", props.class)} for={props.for}>
      {props.children}
    </label>
  );
}

/** Input widths in characters, for answers of a known length such as a postcode. */
type CharacterWidth = 2 | 3 | 4 | 5 | 10 | 20 | 30;
/** Input widths as a fraction of the column, for answers of unknown length. */
type FractionWidth =
  | "full"
  | "three-quarters"
  | "two-thirds"
  | "one-half"
  | "one-third"
  | "one-quarter";
/** Widths govuk-frontend offers for text inputs. */
export type InputWidth = CharacterWidth | FractionWidth;

/** Props shared by the single-line and multi-line text fields. */
interface TextFieldProps {
  name: string;
  label: Child;
  id?: string;
  hint?: Child;
  value?: string | undefined;
  error?: string | undefined;
  autocomplete?: string;
  spellcheck?: boolean;
  isPageHeading?: boolean;
  labelClass?: string;
}

/** Renders a text field's form group around its control: label, hint, error, then the control. */
function TextField(props: TextFieldProps & { control: (describedBy?: string) => Child }) {
  const id = props.id ?? props.name;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  return (
    <div class={cx("govuk-form-group", props.error && "govuk-form-group--error")}>
      <Label for={id} isPageHeading={props.isPageHeading} class={props.labelClass}>
        {props.label}
      </Label>
      {props.hint && hintId ? <Hint id={hintId}>{props.hint}</Hint> : null}
      {props.error ? <ErrorMessage id={errorId}>{props.error}</ErrorMessage> : null}
      {props.control(describedBy(hintId, errorId))}
    </div>
  );
}

/** Single-line text input with label, optional hint and error, wired up with aria-describedby. */
export function TextInput(
  props: TextFieldProps & {
    type?: string;
    width?: InputWidth;
    inputmode?: "text" | "numeric" | "decimal" | "tel" | "email" | "url" | "search" | "none";
  },
) {
  const { width } = props;
  const widthClass =
    typeof width === "number" ? `govuk-input--width-${width}` : width && `govuk-!-width-${width}`;
  const control = (ariaDescribedBy?: string) => (
    <input
      class={cx("govuk-input", widthClass, props.error && "govuk-input--error")}
      id={props.id ?? props.name}
      name={props.name}
      type={props.type ?? "text"}
      spellcheck={props.spellcheck}
      value={props.value}
      aria-describedby={ariaDescribedBy}
      autocomplete={props.autocomplete}
      inputmode={props.inputmode}
    />
  );
  return <TextField {...props} control={control} />;
}

/** Multi-line text area with label, optional hint and error, wired up with aria-describedby. */
export function Textarea(props: TextFieldProps & { rows?: number }) {
  const control = (ariaDescribedBy?: string) => (
    <textarea
      class={cx("govuk-textarea", props.error && "govuk-textarea--error")}
      id={props.id ?? props.name}
      name={props.name}
      rows={props.rows ?? 5}
      spellcheck={props.spellcheck}
      aria-describedby={ariaDescribedBy}
      autocomplete={props.autocomplete}
    >
      {props.value ?? ""}
    </textarea>
  );
  return <TextField {...props} control={control} />;
}

/** govuk-frontend's file upload field (the plain input, which works without JavaScript). */
export function FileUpload(props: TextFieldProps & { accept?: string }) {
  const control = (ariaDescribedBy?: string) => (
    <input
      class={cx("govuk-file-upload", props.error && "govuk-file-upload--error")}
      id={props.id ?? props.name}
      name={props.name}
      type="file"
      accept={props.accept}
      aria-describedby={ariaDescribedBy}
    />
  );
  return <TextField {...props} control={control} />;
}

/** A submit button; the variant picks govuk-frontend's secondary or warning style. */
export function Button(props: {
  children: Child;
  variant?: "secondary" | "warning";
  name?: string;
  value?: string;
  id?: string;
  class?: string;
}) {
  return (
    <button
      type="submit"
      name={props.name}
      value={props.value}
      id={props.id}
      class={cx("govuk-button", props.variant && `govuk-button--${props.variant}`, props.class)}
      data-module="govuk-button"
    >
      {props.children}
    </button>
  );
}

/** A link styled as a button, for actions that only navigate (such as "Start a discussion"). */
// govuk-frontend adds role="button" and a script so the space bar activates it; Copse ships no
// script, so it stays an honest link, which is also what it does: navigate.
export function ButtonLink(props: {
  href: string;
  children: Child;
  variant?: "secondary" | "warning";
}) {
  return (
    <a
      href={props.href}
      draggable="false"
      class={cx("govuk-button", props.variant && `govuk-button--${props.variant}`)}
      data-module="govuk-button"
    >
      {props.children}
    </a>
  );
}

/** A "Back" link to the previous page in a journey. */
export function BackLink(props: { href: string; children?: Child }) {
  return (
    <a href={props.href} class="govuk-back-link">
      {props.children ?? "Back"}
    </a>
  );
}
