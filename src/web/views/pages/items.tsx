import type { ActorRow } from "../../../domain/actors.ts";
import type { ItemRow } from "../../../domain/items.ts";
import { personPagePath } from "../../../domain/paths.ts";

/** A person's name linking to their profile here, or to their home server for remote people. */
export function ActorLink(props: { actor: ActorRow }) {
  const { actor } = props;
  // Someone who deleted their account is shown without a name or a link to follow.
  if (actor.deletedAt) return <>{actor.name}</>;
  const href = actor.isLocal ? personPagePath(actor.handle) : actor.url;
  const label = actor.isLocal ? actor.name : `${actor.name} (${actor.host})`;
  return href ? (
    <a class="govuk-link" href={href} rel={actor.isLocal ? undefined : "nofollow noopener"}>
      {label}
    </a>
  ) : (
    label
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

/** A date in UK style, with the machine-readable time for assistive technology. */
export function When(props: { date: Date }) {
  return <time datetime={props.date.toISOString()}>{DATE_FORMAT.format(props.date)}</time>;
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
