import type { ActorRow } from "../../domain/actors.ts";
import { STAGES, type Stage } from "../../domain/lifecycle.ts";
import { cx } from "./components/classes.ts";
import {
  Button,
  CsrfField,
  ErrorMessage,
  errorFor,
  type FieldError,
  Radios,
} from "./components.tsx";
import type { PageContext } from "./layout.tsx";

// The parts of a community's settings that place it in time and in the tree: its lifecycle
// stage and its parent. Each is its own form, posting to its own route
// (src/web/routes/subcommunities.tsx), so a mistake in one never loses the other.

/** What the lifecycle and tree settings need to show. */
export interface LifecycleSettingsData {
  stage: Stage;
  parent: ActorRow | undefined;
  /** Communities the viewer could move this one under. */
  targets: ActorRow[];
}

/** The form that sets the community's lifecycle stage. */
export function StageForm(props: {
  ctx: PageContext;
  path: string;
  stage: string;
  errors?: FieldError[] | undefined;
}) {
  return (
    <form method="post" action={`${props.path}/settings/stage`} novalidate>
      <CsrfField token={props.ctx.csrfToken} />
      <Radios
        name="stage"
        legend="Lifecycle stage"
        legendSize="m"
        legendIsHeading
        hint="Shown on the community's page and in All communities, where people can look for communities at a stage."
        value={props.stage}
        error={errorFor(props.errors ?? [], "stage")}
        items={STAGES.map((s) => ({ value: s.id, text: s.label, hint: s.hint }))}
      />
      <Button>Save stage</Button>
    </form>
  );
}

/** The form that moves the community under another one, or to the top level. */
export function MoveForm(props: {
  ctx: PageContext;
  path: string;
  data: LifecycleSettingsData;
  /** The choice to show selected: a community's id, or "" for the top level. */
  value?: string | undefined;
  errors?: FieldError[] | undefined;
}) {
  const error = errorFor(props.errors ?? [], "parent");
  const selected = props.value ?? (props.data.parent ? String(props.data.parent.id) : "");
  return (
    <form method="post" action={`${props.path}/settings/parent`} novalidate>
      <CsrfField token={props.ctx.csrfToken} />
      <div class={cx("govuk-form-group", error && "govuk-form-group--error")}>
        <h2 class="govuk-label-wrapper">
          <label class="govuk-label govuk-label--m" for="parent">
            Move under another community
          </label>
        </h2>
        <div id="parent-hint" class="govuk-hint">
          {props.data.parent
            ? `It is part of ${props.data.parent.name} now. `
            : "It is a top-level community now. "}
          You can choose any community you facilitate here, but not this community or one of its own
          sub-communities.
        </div>
        {error ? <ErrorMessage id="parent-error">{error}</ErrorMessage> : null}
        <select
          class={cx("govuk-select", error && "govuk-select--error")}
          id="parent"
          name="parent"
          aria-describedby={cx("parent-hint", error && "parent-error")}
        >
          <option value="" selected={selected === ""}>
            None (a top-level community)
          </option>
          {props.data.targets.map((t) => (
            <option value={String(t.id)} selected={selected === String(t.id)}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <Button variant="secondary">Move community</Button>
    </form>
  );
}

/** Both forms, for the community settings page. */
export function LifecycleSettings(props: {
  ctx: PageContext;
  path: string;
  data: LifecycleSettingsData | undefined;
}) {
  if (!props.data) return null;
  return (
    <>
      <StageForm ctx={props.ctx} path={props.path} stage={props.data.stage} />
      <MoveForm ctx={props.ctx} path={props.path} data={props.data} />
    </>
  );
}
