import { SECTIONS, type SectionId } from "../../../domain/sections.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import { Button, Checkboxes, CsrfField, type FieldError } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { LifecycleSettings, type LifecycleSettingsData } from "../lifecycle-settings.tsx";
import { MemberServersForm } from "../member-servers-settings.tsx";

/** A facilitator's settings for a community: which sections it shows. */
export function CommunitySettingsPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  sections: Set<SectionId>;
  /** Its stage and parent (src/web/views/lifecycle-settings.tsx). */
  lifecycle?: LifecycleSettingsData | undefined;
  /** Private communities only: where remote members may come from. */
  memberServers?: Parameters<typeof MemberServersForm>[0]["rule"] | undefined;
  memberServersForm?: { typed: { mode: string; allowed: string }; errors: FieldError[] };
}) {
  const { access } = props;
  return (
    <Layout ctx={props.ctx} title={`Settings – ${access.group.name}`} backLink={access.path}>
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">Community settings</h1>
      <p class="govuk-body">
        <a class="govuk-link" href={`${access.path}/settings/details`}>
          Change the name, description, rules and who can start topics
        </a>
      </p>
      <form method="post" action={`${access.path}/settings`} novalidate>
        <CsrfField token={props.ctx.csrfToken} />
        <Checkboxes
          name="sections"
          legend="Sections this community uses"
          legendSize="m"
          legendIsHeading
          hint="Switched-off sections disappear from the community's pages. Nothing in them is deleted."
          items={SECTIONS.map((s) => ({ value: s.id, text: s.label }))}
          values={[...props.sections]}
        />
        <Button>Save settings</Button>
      </form>
      {props.memberServers ? (
        <MemberServersForm
          ctx={props.ctx}
          path={access.path}
          rule={props.memberServers}
          typed={props.memberServersForm?.typed}
          errors={props.memberServersForm?.errors}
        />
      ) : null}
      <LifecycleSettings ctx={props.ctx} path={access.path} data={props.lifecycle} />
    </Layout>
  );
}
