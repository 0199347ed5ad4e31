import type { Child } from "hono/jsx";

// Typed JSX versions of the govuk-frontend 6 components Copse uses. Each one reproduces the
// markup of the component's Nunjucks template (node_modules/govuk-frontend/dist/govuk/
// components/*/template.njk) so the compiled govuk-frontend CSS styles it unchanged. Ids follow
// govuk-frontend's rules too: a field's id is its name, and the first radio or checkbox takes
// the bare name, so an error summary link to `#name` always lands on a real control.

/** One problem with a submitted form, shown in the error summary and beside its field. */
export interface FieldError {
  field: string;
  message: string;
}

/** Joins class names, skipping the ones whose condition was false. */
function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}

/** Joins ids for aria-describedby, or returns undefined so the attribute is left out. */
function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const joined = cx(...ids);
  return joined === "" ? undefined : joined;
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
function Hint(props: { id: string; class?: string; children: Child }) {
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

/** One option in a group of radios or checkboxes. */
export interface ChoiceItem {
  value: string;
  text: Child;
  hint?: Child;
}

/** Props shared by radio and checkbox groups, which are both a fieldset of choices. */
interface ChoiceGroupProps {
  name: string;
  legend: Child;
  items: readonly ChoiceItem[];
  hint?: Child;
  error?: string | undefined;
  isPageHeading?: boolean;
  legendSize?: "s" | "m" | "l" | "xl";
  small?: boolean;
}

/** Renders radios or checkboxes with their hint and error, in a fieldset when there is a legend. */
function ChoiceGroup(
  props: Omit<ChoiceGroupProps, "legend"> & {
    legend?: Child;
    kind: "radios" | "checkboxes";
    inline?: boolean;
    isChecked: (value: string) => boolean;
  },
) {
  const { kind, name } = props;
  const hintId = props.hint ? `${name}-hint` : undefined;
  const errorId = props.error ? `${name}-error` : undefined;
  const groupDescribedBy = describedBy(hintId, errorId);
  const hasFieldset = props.legend !== undefined;
  const legendSize = props.legendSize ?? (props.isPageHeading ? "l" : undefined);
  const legendClass = cx(
    "govuk-fieldset__legend",
    legendSize && `govuk-fieldset__legend--${legendSize}`,
  );
  const modifiers = cx(
    props.small && `govuk-${kind}--small`,
    props.inline && `govuk-${kind}--inline`,
  );
  const inner = [
    props.hint && hintId ? <Hint id={hintId}>{props.hint}</Hint> : null,
    props.error ? <ErrorMessage id={errorId}>{props.error}</ErrorMessage> : null,
    <div class={cx(`govuk-${kind}`, modifiers)} data-module={`govuk-${kind}`}>
      {props.items.map((item, index) => {
        const itemId = index === 0 ? name : `${name}-${index + 1}`;
        const itemHintId = item.hint ? `${itemId}-item-hint` : undefined;
        return (
          <div class={`govuk-${kind}__item`}>
            {/* Without a fieldset to carry them, the group's hint and error describe each input. */}
            <input
              class={`govuk-${kind}__input`}
              id={itemId}
              name={name}
              type={kind === "radios" ? "radio" : "checkbox"}
              value={item.value}
              checked={props.isChecked(item.value)}
              aria-describedby={describedBy(!hasFieldset && groupDescribedBy, itemHintId)}
            />
            <label class={`govuk-label govuk-${kind}__label`} for={itemId}>
              {item.text}
            </label>
            {item.hint && itemHintId ? (
              <Hint id={itemHintId} class={`govuk-${kind}__hint`}>
                {item.hint}
              </Hint>
            ) : null}
          </div>
        );
      })}
    </div>,
  ];
  return (
    <div class={cx("govuk-form-group", props.error && "govuk-form-group--error")}>
      {hasFieldset ? (
        <fieldset class="govuk-fieldset" aria-describedby={groupDescribedBy}>
          <legend class={legendClass}>
            {props.isPageHeading ? (
              <h1 class="govuk-fieldset__heading">{props.legend}</h1>
            ) : (
              props.legend
            )}
          </legend>
          {inner}
        </fieldset>
      ) : (
        inner
      )}
    </div>
  );
}

/** A group of radios in a fieldset; the first radio's id is the name, for error summary links. */
export function Radios(props: ChoiceGroupProps & { value?: string | undefined; inline?: boolean }) {
  return <ChoiceGroup {...props} kind="radios" isChecked={(v) => v === props.value} />;
}

/** A group of checkboxes in a fieldset, ticking every item whose value is in `values`. */
export function Checkboxes(props: ChoiceGroupProps & { values?: readonly string[] }) {
  const isChecked = (v: string) => props.values?.includes(v) ?? false;
  return <ChoiceGroup {...props} kind="checkboxes" isChecked={isChecked} />;
}

/** A single checkbox without a fieldset, for yes/no questions such as "Make this private". */
export function Checkbox(props: {
  name: string;
  label: Child;
  value?: string;
  checked?: boolean;
  hint?: Child;
  error?: string | undefined;
}) {
  const item = { value: props.value ?? "yes", text: props.label, hint: props.hint };
  const isChecked = () => props.checked ?? false;
  return (
    <ChoiceGroup
      name={props.name}
      items={[item]}
      error={props.error}
      kind="checkboxes"
      isChecked={isChecked}
    />
  );
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

/** One link in a summary list row; the hidden text names the row for screen reader users. */
export interface SummaryAction {
  href: string;
  text: string;
  visuallyHiddenText?: string;
}

/** Key/value pairs as a description list, each row optionally with change links. */
export function SummaryList(props: {
  rows: readonly { key: Child; value: Child; actions?: readonly SummaryAction[] }[];
}) {
  const anyActions = props.rows.some((r) => r.actions && r.actions.length > 0);
  const actionLink = (a: SummaryAction) => (
    <a class="govuk-link" href={a.href}>
      {a.text}
      {a.visuallyHiddenText ? (
        <span class="govuk-visually-hidden"> {a.visuallyHiddenText}</span>
      ) : null}
    </a>
  );
  return (
    <dl class="govuk-summary-list">
      {props.rows.map((row) => {
        const actions = row.actions ?? [];
        return (
          <div
            class={cx(
              "govuk-summary-list__row",
              anyActions && actions.length === 0 && "govuk-summary-list__row--no-actions",
            )}
          >
            <dt class="govuk-summary-list__key">{row.key}</dt>
            <dd class="govuk-summary-list__value">{row.value}</dd>
            {actions.length === 1 && actions[0] ? (
              <dd class="govuk-summary-list__actions">{actionLink(actions[0])}</dd>
            ) : actions.length > 1 ? (
              <dd class="govuk-summary-list__actions">
                <ul class="govuk-summary-list__actions-list">
                  {actions.map((a) => (
                    <li class="govuk-summary-list__actions-list-item">{actionLink(a)}</li>
                  ))}
                </ul>
              </dd>
            ) : null}
          </div>
        );
      })}
    </dl>
  );
}

/** A data table with column headers; the first cell of each row can be a row header. */
export function Table(props: {
  caption?: Child;
  captionSize?: "s" | "m" | "l" | "xl";
  head: readonly string[];
  rows: readonly (readonly Child[])[];
  firstCellIsHeader?: boolean;
  numericColumns?: readonly number[];
}) {
  const numeric = (column: number) => props.numericColumns?.includes(column) ?? false;
  return (
    <table class="govuk-table">
      {props.caption ? (
        <caption
          class={cx(
            "govuk-table__caption",
            props.captionSize && `govuk-table__caption--${props.captionSize}`,
          )}
        >
          {props.caption}
        </caption>
      ) : null}
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {props.head.map((heading, column) => (
            <th
              scope="col"
              class={cx("govuk-table__header", numeric(column) && "govuk-table__header--numeric")}
            >
              {heading}
            </th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {props.rows.map((cells) => (
          <tr class="govuk-table__row">
            {cells.map((cell, column) =>
              column === 0 && props.firstCellIsHeader ? (
                <th scope="row" class="govuk-table__header">
                  {cell}
                </th>
              ) : (
                <td
                  class={cx("govuk-table__cell", numeric(column) && "govuk-table__cell--numeric")}
                >
                  {cell}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A notification banner; success banners are announced at once (role="alert"). */
export function NotificationBanner(props: {
  title?: string;
  children: Child;
  success?: boolean;
  id?: string;
}) {
  const titleId = props.id ? `${props.id}-title` : "govuk-notification-banner-title";
  // Plain text gets govuk-frontend's single-line heading style; richer content is left as is.
  const content =
    typeof props.children === "string" ? (
      <p class="govuk-notification-banner__heading">{props.children}</p>
    ) : (
      props.children
    );
  return (
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: the role is always region or alert, both of which take a label.
    <div
      class={cx("govuk-notification-banner", props.success && "govuk-notification-banner--success")}
      role={props.success ? "alert" : "region"}
      aria-labelledby={titleId}
      data-module="govuk-notification-banner"
      id={props.id}
    >
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id={titleId}>
          {props.title ?? (props.success ? "Success" : "Important")}
        </h2>
      </div>
      <div class="govuk-notification-banner__content">{content}</div>
    </div>
  );
}

/** Colours govuk-frontend's tag comes in, besides the default blue. */
export type TagColour =
  | "grey"
  | "green"
  | "turquoise"
  | "teal"
  | "purple"
  | "magenta"
  | "pink"
  | "red"
  | "orange"
  | "yellow";

/** A short status label such as "Moderator" or "Pending". */
export function Tag(props: { children: Child; colour?: TagColour }) {
  return (
    <strong class={cx("govuk-tag", props.colour && `govuk-tag--${props.colour}`)}>
      {props.children}
    </strong>
  );
}

/** Inset text, for a quotation or an aside the reader should not miss. */
export function Inset(props: { children: Child }) {
  return <div class="govuk-inset-text">{props.children}</div>;
}

/** Either numbered pages, or just previous and next links (for feeds paged by cursor). */
export type PaginationProps =
  | { currentPage: number; totalPages: number; hrefFor: (page: number) => string; label?: string }
  | { previousHref?: string | undefined; nextHref?: string | undefined; label?: string };

/** Page numbers to show: the first, the last, and the current page with its neighbours. */
export function pageNumbers(current: number, total: number): (number | "ellipsis")[] {
  const shown = [...new Set([1, current - 1, current, current + 1, total])]
    .filter((n) => n >= 1 && n <= total)
    .sort((a, b) => a - b);
  const result: (number | "ellipsis")[] = [];
  for (const [i, n] of shown.entries()) {
    const previous = shown[i - 1];
    if (previous !== undefined && n - previous > 1) result.push("ellipsis");
    result.push(n);
  }
  return result;
}

/** Previous and next links, with numbered pages between them when the total is known. */
export function Pagination(props: PaginationProps) {
  const numbered = "totalPages" in props;
  if (numbered && props.totalPages <= 1) return null;
  const previous = numbered
    ? props.currentPage > 1
      ? props.hrefFor(props.currentPage - 1)
      : undefined
    : props.previousHref;
  const next = numbered
    ? props.currentPage < props.totalPages
      ? props.hrefFor(props.currentPage + 1)
      : undefined
    : props.nextHref;
  if (!numbered && !previous && !next) return null;
  // Without page numbers govuk-frontend stacks the links as blocks with decorated titles.
  const block = !numbered;
  const arrow = (direction: "prev" | "next") => (
    <svg
      class={`govuk-pagination__icon govuk-pagination__icon--${direction}`}
      xmlns="http://www.w3.org/2000/svg"
      height="13"
      width="15"
      aria-hidden="true"
      focusable="false"
      viewBox="0 0 15 13"
    >
      <path d={direction === "prev" ? ARROW_PREVIOUS : ARROW_NEXT} />
    </svg>
  );
  const title = (text: string) => (
    <span
      class={cx("govuk-pagination__link-title", block && "govuk-pagination__link-title--decorated")}
    >
      {text}
      <span class="govuk-visually-hidden"> page</span>
    </span>
  );
  return (
    <nav
      class={cx("govuk-pagination", block && "govuk-pagination--block")}
      aria-label={props.label ?? "Pagination"}
    >
      {previous ? (
        <div class="govuk-pagination__prev">
          <a class="govuk-link govuk-pagination__link" href={previous} rel="prev">
            {arrow("prev")}
            {title("Previous")}
          </a>
        </div>
      ) : null}
      {numbered ? (
        <ul class="govuk-pagination__list">
          {pageNumbers(props.currentPage, props.totalPages).map((n) =>
            n === "ellipsis" ? (
              <li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>
            ) : (
              <li
                class={cx(
                  "govuk-pagination__item",
                  n === props.currentPage && "govuk-pagination__item--current",
                )}
              >
                <a
                  class="govuk-link govuk-pagination__link"
                  href={props.hrefFor(n)}
                  aria-label={`Page ${n}`}
                  aria-current={n === props.currentPage ? "page" : undefined}
                >
                  {n}
                </a>
              </li>
            ),
          )}
        </ul>
      ) : null}
      {next ? (
        <div class="govuk-pagination__next">
          <a class="govuk-link govuk-pagination__link" href={next} rel="next">
            {block ? arrow("next") : null}
            {title("Next")}
            {block ? null : arrow("next")}
          </a>
        </div>
      ) : null}
    </nav>
  );
}

const ARROW_PREVIOUS =
  "m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z";
const ARROW_NEXT =
  "m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z";
