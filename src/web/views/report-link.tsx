import type { ItemRow } from "../../domain/items.ts";
import type { CommunityAccess } from "../community-access.tsx";

// The "Report" link under a post of a community: blog entries, wiki pages, events, documents,
// polls and the comments under them, as forum posts have. It opens the report form
// (src/web/routes/reports.tsx), which files the report here or, for a community hosted on
// another server, sends it there as a Flag (src/federation/reports.ts).

/** Whether a viewer is offered "Report" on an item: signed in, not its author, not running it. */
export function mayReportItem(access: CommunityAccess, item: ItemRow): boolean {
  // Facilitators act on posts directly and authors delete their own, so neither reports them.
  return (
    access.viewerId !== null &&
    item.authorId !== access.viewerId &&
    !item.deletedAt &&
    !access.canModerate
  );
}

/** The report form's address for an item in a community. */
export function reportItemPath(communityPath: string, itemId: number): string {
  return `${communityPath}/report/item/${itemId}`;
}

/** A "Report" link for an item, shown to those who may report it, naming it for screen readers. */
export function ReportLink(props: { access: CommunityAccess; item: ItemRow; what: string }) {
  if (!mayReportItem(props.access, props.item)) return null;
  return (
    <p class="govuk-body-s">
      <a class="govuk-link" href={reportItemPath(props.access.path, props.item.id)}>
        Report<span class="govuk-visually-hidden"> {props.what}</span>
      </a>
    </p>
  );
}
