import type { ActorRow } from "../../../domain/actors.ts";
import type { ItemRow } from "../../../domain/items.ts";
import { keptResults } from "../../../domain/kept-results.ts";
import { mentionHref } from "../../../domain/mentions.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import { WithAvatar } from "../avatar.tsx";

/**
 * A person's name linking to their page here: their profile, or for someone on another
 * server our page about them (`/people/name@host`), which links on to their own server.
 */
export function ActorLink(props: { actor: ActorRow }) {
  const { actor } = props;
  // Someone who deleted their account is shown without a name or a link to follow.
  if (actor.deletedAt) return <>{actor.name}</>;
  const name = actor.name || actor.handle;
  const label = actor.isLocal ? name : `${name} (${actor.host})`;
  if (actor.type === "Group") {
    const href = communityPagePath(actor.handle, actor.isLocal ? undefined : actor.host);
    return (
      <a class="govuk-link" href={href}>
        {label}
      </a>
    );
  }
  if (actor.type === "Person" || actor.isLocal) {
    return (
      <a class="govuk-link" href={mentionHref(actor)}>
        {label}
      </a>
    );
  }
  // Bots and services elsewhere have no page here; their own server's page is the link.
  return actor.url ? (
    <a class="govuk-link" href={actor.url} rel="nofollow noopener">
      {label}
    </a>
  ) : (
    label
  );
}

/** A person's avatar (photo or initials) and linked name, as every list and post shows them. */
export function Byline(props: { actor: ActorRow }) {
  return (
    <WithAvatar person={props.actor}>
      <ActorLink actor={props.actor} />
    </WithAvatar>
  );
}

const DATE_FORMAT = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Europe/London",
});

// Formatting a date in a time zone costs Intl some 10 µs, and a thread of 100 replies shows
// 100 dates on every view; the same dates come back on the next view, so recent ones are kept.
const formattedDates = keptResults<number, string>(10_000);

/** A date in UK style, with the machine-readable time for assistive technology. */
export function When(props: { date: Date }) {
  return (
    <time datetime={props.date.toISOString()}>
      {formattedDates(props.date.getTime(), () => DATE_FORMAT.format(props.date))}
    </time>
  );
}

/** An item's body. The HTML was cleaned by the allow-list sanitizer before it was stored. */
export function ItemBody(props: { item: ItemRow }) {
  if (props.item.deletedAt) return <p class="govuk-body copse-deleted">This post was deleted.</p>;
  const body = (
    <div
      class="copse-content govuk-body"
      dangerouslySetInnerHTML={{ __html: props.item.bodyHtml }}
    />
  );
  // Only its author and the facilitators are shown a removed item (canView), with the reason.
  if (!props.item.removedAt) return body;
  return (
    <div class="copse-removed">
      <div class="govuk-warning-text">
        <span class="govuk-warning-text__icon" aria-hidden="true">
          !
        </span>
        <strong class="govuk-warning-text__text">
          <span class="govuk-visually-hidden">Warning</span>
          Removed by a facilitator: {props.item.removedReason || "no reason given"}
        </strong>
      </div>
      {body}
    </div>
  );
}
