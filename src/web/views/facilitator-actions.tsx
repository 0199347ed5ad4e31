import type { ItemRow } from "../../domain/items.ts";
import type { CommunityAccess } from "../community-access.tsx";

/**
 * A facilitator's actions on one item of their community (remove or restore; lock and pin for
 * forum topics), as a disclosure so that it stays out of everyone else's way. Each link opens
 * a confirmation page that asks for a reason (src/web/routes/moderation/content.tsx).
 */
export function FacilitatorActions(props: { access: CommunityAccess; item: ItemRow }) {
  const { access, item } = props;
  if (!(access.canModerate && access.group.isLocal) && !access.facilitatesRemote) return null;
  const base = `${access.path}/moderation/items/${item.id}`;
  const link = (verb: string, text: string) => (
    <li>
      <a class="govuk-link" href={`${base}/${verb}`}>
        {text}
      </a>
    </li>
  );
  return (
    <details class="govuk-details">
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">Facilitator actions</span>
      </summary>
      <div class="govuk-details__text">
        <ul class="govuk-list">
          {item.removedAt ? link("restore", "Restore") : link("remove", "Remove")}
          <li>
            <a class="govuk-link" href={`${access.path}/members/${item.authorId}/ban`}>
              Ban its author
            </a>
          </li>
        </ul>
      </div>
    </details>
  );
}
