import { SECTIONS, type SectionId } from "../../../domain/sections.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import { CommunityFields } from "../community-fields.tsx";
import {
  Button,
  Checkbox,
  Checkboxes,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { type LifecycleSettingsData, MoveForm, StageForm } from "../lifecycle-settings.tsx";

/** What the new sub-community form holds, as typed. */
export interface SubCommunityForm {
  name: string;
  handle: string;
  description: string;
  visibility: string;
  sections: string[];
  inherit: boolean;
}

/** The form for creating a sub-community under a community. */
export function NewSubCommunityPage(props: {
  ctx: PageContext;
  parent: CommunityAccess;
  /** The sections the parent uses: the child may keep any of them. */
  offered: Set<SectionId>;
  values: SubCommunityForm;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const v = props.values;
  const { parent } = props;
  return (
    <Layout
      ctx={props.ctx}
      title={`Create a sub-community – ${parent.group.name}`}
      errors={errors.length > 0}
      backLink={parent.path}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <span class="govuk-caption-l">{parent.group.name}</span>
          <h1 class="govuk-heading-l">Create a sub-community</h1>
          <p class="govuk-body">
            The sub-community is part of {parent.group.name} and has its own members, posts and
            address. You will be its facilitator.
          </p>
          <form method="post" action={`${parent.path}/subcommunities/new`} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <CommunityFields noun="sub-community" values={v} errors={errors}>
              <Checkboxes
                name="sections"
                legend="Sections it uses"
                legendSize="m"
                hint={`It can use any of the sections ${parent.group.name} uses. You can change this later in its settings.`}
                items={SECTIONS.filter((s) => props.offered.has(s.id)).map((s) => ({
                  value: s.id,
                  text: s.label,
                }))}
                values={v.sections}
                error={errorFor(errors, "sections")}
              />
            </CommunityFields>
            <Checkbox
              name="inherit"
              label={`Use the membership rules of ${parent.group.name}`}
              hint={`It will be ${parent.isPrivate ? "private" : "public"} like ${parent.group.name}, whatever you chose above; members of ${parent.group.name} can join at once, and its facilitators facilitate this sub-community too.`}
              checked={v.inherit}
              error={errorFor(errors, "inherit")}
            />
            <Button>Create sub-community</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** The stage form on its own, shown again with its error when a stage is refused. */
export function StagePage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  stage: string;
  errors: FieldError[];
}) {
  const { access } = props;
  return (
    <Layout
      ctx={props.ctx}
      title={`Lifecycle stage – ${access.group.name}`}
      errors={props.errors.length > 0}
      backLink={`${access.path}/settings`}
    >
      <ErrorSummary errors={props.errors} />
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">Lifecycle stage</h1>
      <StageForm ctx={props.ctx} path={access.path} stage={props.stage} errors={props.errors} />
    </Layout>
  );
}

/** The move form on its own, shown again with its error when a move is refused. */
export function MovePage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  data: LifecycleSettingsData;
  value: string;
  errors: FieldError[];
}) {
  const { access } = props;
  return (
    <Layout
      ctx={props.ctx}
      title={`Move ${access.group.name}`}
      errors={props.errors.length > 0}
      backLink={`${access.path}/settings`}
    >
      <ErrorSummary errors={props.errors} />
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">Move this community</h1>
      <MoveForm
        ctx={props.ctx}
        path={access.path}
        data={props.data}
        value={props.value}
        errors={props.errors}
      />
    </Layout>
  );
}
