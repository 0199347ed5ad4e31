import type { ActorRow } from "../../../domain/actors.ts";
import type { EntrySummary } from "../../../domain/blog.ts";
import type { Contribution } from "../../../domain/contributions.ts";
import { communityPagePath, itemPagePath } from "../../../domain/paths.ts";
import { type PersonProfileRow, serviceAreaLabel } from "../../../domain/person-details.ts";
import { BlogTeaser } from "../../blog/views/blog.tsx";
import { Avatar } from "../avatar.tsx";
import { Button, CsrfField, Tag } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { MultilineText } from "../text.tsx";

/** One contact detail the viewer is allowed to see. */
export interface ContactDetail {
  label: string;
  kind: "email" | "phone" | "website";
  value: string;
}

function ContactValue(props: { detail: ContactDetail }) {
  const { kind, value } = props.detail;
  if (kind === "email")
    return (
      <a class="govuk-link" href={`mailto:${value}`}>
        {value}
      </a>
    );
  if (kind === "phone")
    return (
      <a class="govuk-link" href={`tel:${value.replace(/[^+0-9]/g, "")}`}>
        {value}
      </a>
    );
  // Only http(s) addresses are ever stored, so the link cannot run script.
  return (
    <a class="govuk-link" href={value} rel="nofollow noopener">
      {value}
    </a>
  );
}

function ContactButton(props: { ctx: PageContext; person: ActorRow; state: string }) {
  if (props.state === "accepted")
    return <p class="govuk-body">{props.person.name} is one of your contacts.</p>;
  if (props.state === "pending")
    return <p class="govuk-body">You have asked {props.person.name} to be a contact.</p>;
  return (
    <form method="post" action={`/people/${props.person.handle}/contact`}>
      <CsrfField token={props.ctx.csrfToken} />
      <Button variant="secondary">Add {props.person.name} as a contact</Button>
    </form>
  );
}

/** A person's public profile with the communities the viewer may see. */
export function ProfilePage(props: {
  ctx: PageContext;
  person: ActorRow;
  profile: PersonProfileRow;
  /** Only the contact details this viewer may see. */
  contactDetails: ContactDetail[];
  expertise: string[];
  interests: string[];
  contributions: Contribution[];
  /** The viewer's contact relation to this person; null for oneself or signed-out viewers. */
  contactState: "none" | "pending" | "accepted" | null;
  communities: ActorRow[];
  isSelf: boolean;
  /** The newest entries of their blog the viewer may see. */
  entries?: EntrySummary[];
}) {
  const p = props.person;
  return (
    <Layout ctx={props.ctx} title={p.name}>
      <Avatar person={p} size="large" />
      <h1 class="govuk-heading-l">
        {p.name}
        <span class="govuk-caption-m">
          @{p.handle}@{p.host}
        </span>
      </h1>
      {props.isSelf ? (
        <p class="govuk-body">
          <a class="govuk-link" href="/profile/edit">
            Edit your profile
          </a>
          {" · "}
          <a class="govuk-link" href="/settings/alerts">
            Email alerts
          </a>
          {" · "}
          <a class="govuk-link" href="/settings/feeds">
            Your feed links
          </a>
        </p>
      ) : null}
      {props.contactState ? (
        <ContactButton ctx={props.ctx} person={p} state={props.contactState} />
      ) : null}
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Job title</dt>
          <dd class="govuk-summary-list__value">{p.jobTitle || "Not given"}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Organisation</dt>
          <dd class="govuk-summary-list__value">{p.organisation || "Not given"}</dd>
        </div>
        {props.profile.location ? (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">Location</dt>
            <dd class="govuk-summary-list__value">{props.profile.location}</dd>
          </div>
        ) : null}
        {props.contactDetails.map((d) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">{d.label}</dt>
            <dd class="govuk-summary-list__value">
              <ContactValue detail={d} />
            </dd>
          </div>
        ))}
        {props.profile.serviceAreas ? (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">Service areas</dt>
            <dd class="govuk-summary-list__value">
              {props.profile.serviceAreas.split(",").map(serviceAreaLabel).join(", ")}
            </dd>
          </div>
        ) : null}
      </dl>
      <TagList title="Areas of expertise" tags={props.expertise} />
      <TagList title="Interests" tags={props.interests} />
      <h2 class="govuk-heading-m">About</h2>
      {p.summary ? <MultilineText text={p.summary} /> : <p class="govuk-body">Nothing here yet.</p>}
      <BlogTeaser person={p} entries={props.entries ?? []} />
      <h2 class="govuk-heading-m">Recent contributions</h2>
      {props.contributions.length === 0 ? (
        <p class="govuk-body">No contributions yet.</p>
      ) : (
        <ul class="govuk-list">
          {props.contributions.map(({ item, group, root }) => (
            <li>
              <a class="govuk-link" href={itemPagePath(item, group, root.kind)}>
                {item.title || root.title || "A reply"}
              </a>{" "}
              in {group.name}
            </li>
          ))}
        </ul>
      )}
      <h2 class="govuk-heading-m">Communities</h2>
      {props.communities.length === 0 ? (
        <p class="govuk-body">Not a member of any community yet.</p>
      ) : (
        <ul class="govuk-list govuk-list--bullet">
          {props.communities.map((g) => (
            <li>
              <a
                class="govuk-link"
                href={communityPagePath(g.handle, g.isLocal ? undefined : g.host)}
              >
                {g.name}
              </a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

function TagList(props: { title: string; tags: string[] }) {
  if (props.tags.length === 0) return null;
  return (
    <>
      <h2 class="govuk-heading-s">{props.title}</h2>
      <ul class="govuk-list copse-tag-list">
        {props.tags.map((tag) => (
          <li>
            <Tag colour="grey">{tag}</Tag>
          </li>
        ))}
      </ul>
    </>
  );
}
