import type { ChecklistStep } from "../../domain/onboarding.ts";

/**
 * A checklist as govuk-frontend's task list: each step's name (a link when it is done on a
 * page), an optional hint, and its status, tied to the link for screen readers.
 */
export function Checklist(props: { id: string; steps: ChecklistStep[] }) {
  return (
    <ul class="govuk-task-list">
      {props.steps.map((step) => {
        const statusId = `${props.id}-${step.id}-status`;
        const hintId = step.hint ? `${props.id}-${step.id}-hint` : undefined;
        const describedBy = [hintId, statusId].filter(Boolean).join(" ");
        return (
          <li
            class={`govuk-task-list__item${step.href ? " govuk-task-list__item--with-link" : ""}`}
          >
            <div class="govuk-task-list__name-and-hint">
              {step.href ? (
                <a
                  class="govuk-link govuk-task-list__link"
                  href={step.href}
                  aria-describedby={describedBy}
                >
                  {step.label}
                </a>
              ) : (
                <div>{step.label}</div>
              )}
              {step.hint ? (
                <div class="govuk-task-list__hint" id={hintId}>
                  {step.hint}
                </div>
              ) : null}
            </div>
            <div class="govuk-task-list__status" id={statusId}>
              {step.done ? "Done" : <strong class="govuk-tag govuk-tag--blue">To do</strong>}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
