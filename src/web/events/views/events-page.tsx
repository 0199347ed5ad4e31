import type { ActorRow } from "../../../domain/actors.ts";
import type {
  Attendee,
  EventPeriod,
  EventRow,
  EventSummary,
  RsvpRow,
} from "../../../domain/events/events.ts";
import { formatEventTimes } from "../../../domain/events/times.ts";
import type { ItemRow } from "../../../domain/items.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import {
  Button,
  ButtonLink,
  CsrfField,
  Inset,
  NotificationBanner,
  Pagination,
  SummaryList,
  Table,
  Tag,
} from "../../views/components.tsx";
import { FacilitatorActions } from "../../views/facilitator-actions.tsx";
import { communityFeedRef, FeedLinks } from "../../views/feed-links.tsx";
import { ItemComments, type ItemCommentsData } from "../../views/item-comments.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { Byline, ItemBody } from "../../views/pages/items.tsx";
import { ReportLink } from "../../views/report-link.tsx";
import { ItemTags, type ItemTagsData } from "../../views/tags.tsx";
import { MultilineText } from "../../views/text.tsx";

const PERIOD_LABELS: Record<EventPeriod, string> = { upcoming: "Upcoming", past: "Past" };

/** "Upcoming" and "Past" as two links; plain navigation, so it works without JavaScript. */
function PeriodLinks(props: { base: string; period: EventPeriod }) {
  return (
    <nav class="copse-subnav" aria-label="Which events">
      <ul class="copse-subnav__list">
        {(Object.keys(PERIOD_LABELS) as EventPeriod[]).map((p) => (
          <li class="copse-subnav__item">
            <a
              class="govuk-link govuk-link--no-visited-state"
              href={p === "upcoming" ? props.base : `${props.base}?show=past`}
              aria-current={p === props.period ? "page" : undefined}
            >
              {PERIOD_LABELS[p]} events
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A community's events: upcoming (soonest first) or past (latest first), paginated. */
export function EventsPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  period: EventPeriod;
  events: EventSummary[];
  total: number;
  page: number;
  pageSize: number;
}) {
  const { access, period } = props;
  const base = `${access.path}/events`;
  const totalPages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const href = (p: number) => `${base}?${period === "past" ? "show=past&" : ""}page=${p}`;
  return (
    <Layout
      ctx={props.ctx}
      title={`${PERIOD_LABELS[period]} events – ${access.group.name}`}
      backLink={access.path}
      feed={communityFeedRef(access, "events")}
    >
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">Events</h1>
      {access.canStartThreads ? <ButtonLink href={`${base}/new`}>Add an event</ButtonLink> : null}
      <PeriodLinks base={base} period={period} />
      {props.events.length === 0 ? (
        <p class="govuk-body">
          {period === "upcoming" ? "No events are planned." : "No events have taken place yet."}
        </p>
      ) : (
        <Table
          caption={`${PERIOD_LABELS[period]} events (${props.total})`}
          captionSize="m"
          head={["Event", "When", "Where", "Going"]}
          numericColumns={[3]}
          rows={props.events.map((e) => [
            <a class="govuk-link" href={`${base}/${e.item.id}`}>
              {e.item.title}
            </a>,
            formatEventTimes(e.event.startsAt, e.event.endsAt, e.event.timezone),
            whereInBrief(e.event),
            String(e.going),
          ])}
        />
      )}
      <Pagination
        currentPage={Math.min(props.page, totalPages)}
        totalPages={totalPages}
        hrefFor={href}
      />
      <h2 class="govuk-heading-m">Add these events to your calendar</h2>
      <p class="govuk-body">
        <a class="govuk-link" href={`${access.path}/events.ics`} download>
          Download all of this community's events (iCalendar file)
        </a>
        . Outlook, Google Calendar and Apple Calendar can open it.
      </p>
      <FeedLinks feed={communityFeedRef(access, "events")} />
    </Layout>
  );
}

/** Where an event is, short enough for a table cell: the venue, "Online", or both. */
function whereInBrief(event: EventRow): string {
  const place = event.locationName || event.locationAddress.split("\n")[0] || "";
  if (place && event.onlineUrl) return `${place}, and online`;
  return place || (event.onlineUrl ? "Online" : "To be confirmed");
}

/** Where the event is, as summary list rows (only the parts that were given). */
function whereRows(event: EventRow) {
  const rows = [];
  if (event.locationName) rows.push({ key: "Venue", value: event.locationName });
  if (event.locationAddress) {
    rows.push({ key: "Address", value: <MultilineText text={event.locationAddress} /> });
  }
  if (event.onlineUrl) {
    rows.push({
      key: "Online",
      value: (
        <a class="govuk-link" href={event.onlineUrl} rel="nofollow noopener">
          {event.onlineUrl}
        </a>
      ),
    });
  }
  if (rows.length === 0) rows.push({ key: "Where", value: "To be confirmed" });
  return rows;
}

/** The viewer's reply: their current answer and the Going / Not going buttons. */
function RsvpControl(props: {
  ctx: PageContext;
  eventPath: string;
  ended: boolean;
  mayReply: boolean;
  mine: RsvpRow | undefined;
}) {
  if (props.ended) {
    return <p class="govuk-body">This event has ended, so replies are closed.</p>;
  }
  if (!props.ctx.user) {
    return (
      <p class="govuk-body">
        <a class="govuk-link" href={`/signin?return=${encodeURIComponent(props.eventPath)}`}>
          Sign in
        </a>{" "}
        to say whether you are going.
      </p>
    );
  }
  if (!props.mayReply) {
    return <p class="govuk-body">Only members of this community can reply to its events.</p>;
  }
  const status = props.mine?.status;
  return (
    <>
      <p class="govuk-body">
        {status === "going"
          ? "You said you are going."
          : status === "not_going"
            ? "You said you are not going."
            : "You have not replied yet."}
      </p>
      <form method="post" action={`${props.eventPath}/rsvp`} class="govuk-button-group">
        <CsrfField token={props.ctx.csrfToken} />
        <Button name="status" value="going">
          Going
        </Button>
        <Button name="status" value="not_going" variant="secondary">
          Not going
        </Button>
      </form>
    </>
  );
}

/** A list of people who replied, each with their instance when they are from elsewhere. */
function People(props: { people: Attendee[] }) {
  return (
    <ul class="govuk-list govuk-list--bullet">
      {props.people.map(({ actor }) => (
        <li>
          <Byline actor={actor} />
        </li>
      ))}
    </ul>
  );
}

/** One event: when and where, description, replies and who is going. */
export function EventPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  item: ItemRow;
  event: EventRow;
  organiser: ActorRow | undefined;
  attendees: { going: Attendee[]; maybe: Attendee[] };
  mine: RsvpRow | undefined;
  ended: boolean;
  mayReply: boolean;
  mayModerate: boolean;
  /** Why the viewer's last reply was refused, shown at the top. */
  notice?: string | undefined;
  tags?: ItemTagsData;
  comments?: ItemCommentsData;
}) {
  const { access, item, event } = props;
  const eventPath = `${access.path}/events/${item.id}`;
  const going = props.attendees.going;
  return (
    <Layout
      ctx={props.ctx}
      title={`${item.title} – ${access.group.name}`}
      backLink={`${access.path}/events${props.ended ? "?show=past" : ""}`}
    >
      {props.notice ? <NotificationBanner>{props.notice}</NotificationBanner> : null}
      <span class="govuk-caption-l">{access.group.name} events</span>
      <h1 class="govuk-heading-l">
        {item.title} {props.ended ? <Tag colour="grey">Ended</Tag> : null}
      </h1>
      <SummaryList
        rows={[
          { key: "When", value: formatEventTimes(event.startsAt, event.endsAt, event.timezone) },
          { key: "Time zone", value: event.timezone.replace(/_/g, " ") },
          ...whereRows(event),
          ...(event.contact ? [{ key: "Contact", value: event.contact }] : []),
          {
            key: "Organiser",
            value: props.organiser ? <Byline actor={props.organiser} /> : "Unknown",
          },
        ]}
      />
      {item.bodyHtml || item.removedAt ? <ItemBody item={item} /> : null}
      <FacilitatorActions access={props.access} item={item} />
      <ReportLink access={props.access} item={item} what="this event" />
      {!item.isLocal && item.url ? (
        <Inset>
          This event is organised on another server.{" "}
          <a class="govuk-link" href={item.url} rel="nofollow noopener">
            See the original
          </a>
        </Inset>
      ) : null}
      <h2 class="govuk-heading-m">Are you going?</h2>
      <RsvpControl
        ctx={props.ctx}
        eventPath={eventPath}
        ended={props.ended}
        mayReply={props.mayReply}
        mine={props.mine}
      />
      <h2 class="govuk-heading-m">Who is going ({going.length})</h2>
      {going.length === 0 ? (
        <p class="govuk-body">Nobody has said they are going yet.</p>
      ) : (
        <People people={going} />
      )}
      {props.attendees.maybe.length > 0 ? (
        <>
          <h3 class="govuk-heading-s">Might go ({props.attendees.maybe.length})</h3>
          <People people={props.attendees.maybe} />
        </>
      ) : null}
      <h2 class="govuk-heading-m">Add to your calendar</h2>
      <p class="govuk-body">
        <a class="govuk-link" href={`${eventPath}/event.ics`} download>
          Download this event (iCalendar file)
        </a>
      </p>
      {props.tags ? <ItemTags ctx={props.ctx} data={props.tags} returnTo={eventPath} /> : null}
      {props.mayModerate ? (
        <p class="govuk-body">
          <a class="govuk-link" href={`${eventPath}/edit`}>
            Change<span class="govuk-visually-hidden"> this event</span>
          </a>{" "}
          <a class="govuk-link" href={`${eventPath}/delete`}>
            Delete<span class="govuk-visually-hidden"> this event</span>
          </a>
        </p>
      ) : null}
      {props.comments ? <ItemComments ctx={props.ctx} data={props.comments} /> : null}
    </Layout>
  );
}
