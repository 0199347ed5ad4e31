import type { Child } from "hono/jsx";
import { cx, describedBy } from "./classes.ts";
import { ErrorMessage, Hint } from "./forms.tsx";

// Radios and checkboxes, after govuk-frontend's templates: the first radio or checkbox takes
// the bare name as its id, so an error summary link to `#name` always lands on a real control.

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
  /** Makes the legend a section heading (h2), so heading navigation finds the question. */
  legendIsHeading?: boolean;
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
            ) : props.legendIsHeading ? (
              <h2 class="govuk-fieldset__heading">{props.legend}</h2>
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
