import type { ActorRow } from "../../../../domain/actors.ts";
import type { MemberEntry } from "../../../../domain/membership.ts";
import type { MemberFilter } from "../../../../domain/moderation/members.ts";
import { Button, Pagination, Table, Tag, TextInput } from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";
import { Byline, When } from "../items.tsx";

/** The facilitators' members page: search, page through, and act on members. */
export function MembersPage(props: {
  ctx: PageContext;
  group: ActorRow;
  path: string;
  filter: MemberFilter;
  query: string;
  members: MemberEntry[];
  total: number;
  page: number;
  pageSize: number;
  /** The viewer's own actor id, so their row offers no action against themselves. */
  viewerId: number;
}) {
  // A community hosted elsewhere: we know only the members it has told us of, and it decides.
  const remote = !props.group.isLocal;
  const { path, filter, query } = props;
  const base = `${path}/members`;
  const href = (p: number) => `${base}?filter=${filter}&q=${encodeURIComponent(query)}&page=${p}`;
  const totalPages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const act = (m: MemberEntry, action: string, label: string) => (
    <a class="govuk-link" href={`${base}/${m.member.id}/${action}`}>
      {label}
      <span class="govuk-visually-hidden"> {m.member.name}</span>
    </a>
  );
  const actions = (m: MemberEntry) => {
    if (m.member.id === props.viewerId) return "You";
    if (filter === "banned") return act(m, "unban", "Lift ban");
    const links = [
      m.membership.role === "facilitator"
        ? act(m, "dismiss", "Remove as facilitator")
        : act(m, "appoint", "Make facilitator"),
      remote ? null : act(m, "remove", "Remove"),
      act(m, "ban", "Ban"),
    ].filter((l) => l !== null);
    return (
      <ul class="govuk-list govuk-!-margin-bottom-0">
        {links.map((l) => (
          <li>{l}</li>
        ))}
      </ul>
    );
  };
  return (
    <Layout ctx={props.ctx} title={`Members – ${props.group.name}`} backLink={path}>
      <span class="govuk-caption-l">{props.group.name}</span>
      <h1 class="govuk-heading-l">Members</h1>
      {remote ? (
        <div class="govuk-inset-text">
          {props.group.name} is hosted on {props.group.host}. This list shows the members it has
          told this server about. What you do here is sent there, and shows here once that server
          has applied it. To ban someone not listed, use "Ban its author" under one of their posts.
        </div>
      ) : null}
      <nav aria-label="Member lists" class="govuk-body">
        {filter === "active" ? (
          <a class="govuk-link" href={`${base}?filter=banned`}>
            Show banned people
          </a>
        ) : (
          <a class="govuk-link" href={`${base}?filter=active`}>
            Show members
          </a>
        )}{" "}
        ·{" "}
        <a class="govuk-link" href={`${path}/modlog`}>
          Moderation log
        </a>
      </nav>
      <form method="get" action={base} novalidate>
        <input type="hidden" name="filter" value={filter} />
        <TextInput
          name="q"
          label="Search by name or handle"
          value={query}
          width={20}
          spellcheck={false}
        />
        <Button variant="secondary">Search</Button>
      </form>
      {props.members.length === 0 ? (
        <p class="govuk-body">{query ? "Nobody matches that search." : "Nobody here yet."}</p>
      ) : (
        <Table
          caption={`${filter === "banned" ? "Banned people" : "Members"} (${props.total})`}
          captionSize="m"
          head={
            filter === "banned"
              ? ["Name", "Instance", "Banned", "Until", "Action"]
              : ["Name", "Role", "Instance", "Joined", "Actions"]
          }
          rows={props.members.map((m) =>
            filter === "banned"
              ? [
                  <Byline actor={m.member} />,
                  m.member.host,
                  m.membership.decidedAt ? <When date={m.membership.decidedAt} /> : "",
                  m.membership.bannedUntil ? (
                    <When date={m.membership.bannedUntil} />
                  ) : (
                    "Until lifted"
                  ),
                  actions(m),
                ]
              : [
                  <Byline actor={m.member} />,
                  m.membership.role === "facilitator" ? (
                    <Tag colour="turquoise">Facilitator</Tag>
                  ) : (
                    "Member"
                  ),
                  m.member.host,
                  <When date={m.membership.decidedAt ?? m.membership.createdAt} />,
                  actions(m),
                ],
          )}
        />
      )}
      <Pagination
        currentPage={Math.min(props.page, totalPages)}
        totalPages={totalPages}
        hrefFor={href}
      />
    </Layout>
  );
}
