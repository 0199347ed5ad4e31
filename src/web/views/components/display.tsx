import type { Child } from "hono/jsx";
import { cx } from "./classes.ts";

// Display components: summary lists, tables, notification banners, tags and inset text, each
// reproducing the markup of its govuk-frontend Nunjucks template.

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

/**
 * A data table with column headers; the first cell of each row can be a row header. On narrow
 * screens each row becomes a card with every cell under its column's name (`data-label`), so
 * no list is wider than a phone (WCAG 1.4.10).
 */
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
    <table class="govuk-table copse-stack-table">
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
                <th scope="row" class="govuk-table__header" data-label={props.head[column]}>
                  {cell}
                </th>
              ) : (
                <td
                  class={cx("govuk-table__cell", numeric(column) && "govuk-table__cell--numeric")}
                  data-label={props.head[column]}
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

/** govuk-frontend's warning text: an important consequence, with "Warning" for screen readers. */
export function Warning(props: { children: Child }) {
  return (
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong class="govuk-warning-text__text">
        <span class="govuk-visually-hidden">Warning</span>
        {props.children}
      </strong>
    </div>
  );
}
