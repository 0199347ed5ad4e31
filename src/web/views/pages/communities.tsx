import type { ActorRow } from "../../../domain/actors.ts";
import type { CommunitySummary } from "../../../domain/communities.ts";
import type { Stage } from "../../../domain/lifecycle.ts";
import type { MemberEntry } from "../../../domain/membership.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import { CommunityFields } from "../community-fields.tsx";
import { CommunityDirectory, directoryTitle, StageFilter } from "../community-tree.tsx";
import {
  Button,
  ButtonLink,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Table,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

/** "All communities": every community hosted here, and a way to find one elsewhere. */
export function CommunitiesPage(props: {
  ctx: PageContext;
  communities: CommunitySummary[];
  /** The lifecycle stage the list is filtered by (src/web/views/community-tree.tsx). */
  stage?: Stage | undefined;
  findValue?: string;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout ctx={props.ctx} title={directoryTitle(props.stage)} errors={errors.length > 0}>
      <ErrorSummary errors={errors} />
      <h1 class="govuk-heading-l">All communities</h1>
      {props.ctx.user ? <ButtonLink href="/communities/new">Create a community</ButtonLink> : null}
      <StageFilter stage={props.stage} error={errorFor(errors, "stage")} />
      <CommunityDirectory communities={props.communities} stage={props.stage} />
      <h2 class="govuk-heading-m">Find a community on another instance</h2>
      <form method="get" action="/communities/find" novalidate>
        <TextInput
          name="handle"
          label="Community handle"
          hint="For example, @planning@somerset.example.gov.uk"
          value={props.findValue}
          error={errorFor(errors, "handle")}
          spellcheck={false}
          width={30}
        />
        <Button variant="secondary">Find community</Button>
      </form>
    </Layout>
  );
}

/** The form for creating a community. */
export function NewCommunityPage(props: {
  ctx: PageContext;
  values?: { name?: string; handle?: string; description?: string; visibility?: string };
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const v = props.values ?? {};
  return (
    <Layout ctx={props.ctx} title="Create a community" errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Create a community</h1>
          <form method="post" action="/communities/new" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <CommunityFields
              noun="community"
              values={{ ...v, visibility: v.visibility ?? "public" }}
              errors={errors}
            />
            <Button>Create community</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** Pending requests to join, for facilitators to approve or reject. */
export function RequestsPage(props: { ctx: PageContext; group: ActorRow; pending: MemberEntry[] }) {
  const path = communityPagePath(props.group.handle);
  const decide = (memberId: number, name: string) => (
    <form method="post" action={`${path}/requests/decide`} class="copse-inline-form">
      <CsrfField token={props.ctx.csrfToken} />
      <input type="hidden" name="member" value={String(memberId)} />
      <Button name="decision" value="approve" class="govuk-!-margin-bottom-0">
        Approve<span class="govuk-visually-hidden"> {name}</span>
      </Button>{" "}
      <Button name="decision" value="reject" variant="warning" class="govuk-!-margin-bottom-0">
        Reject<span class="govuk-visually-hidden"> {name}</span>
      </Button>
    </form>
  );
  return (
    <Layout ctx={props.ctx} title={`Membership requests – ${props.group.name}`} backLink={path}>
      <h1 class="govuk-heading-l">Membership requests</h1>
      {props.pending.length === 0 ? (
        <p class="govuk-body">There are no requests waiting.</p>
      ) : (
        <Table
          caption={`Waiting to join ${props.group.name}`}
          captionSize="m"
          head={["Name", "Handle", "Asked", "Decision"]}
          rows={props.pending.map(({ member, membership }) => [
            member.name,
            `@${member.handle}@${member.host}`,
            membership.createdAt.toISOString().slice(0, 10),
            decide(member.id, member.name),
          ])}
        />
      )}
    </Layout>
  );
}
