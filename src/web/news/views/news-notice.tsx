// The one-line notice facilitators see on their community's page (and on its News page) when
// some of its news feeds keep failing, so a broken feed does not go unnoticed for weeks.

/** "N news feeds are failing" with a link to the manage page; nothing when none are. */
export function FlaggedFeedsNotice(props: { count: number; communityPath: string }) {
  if (props.count === 0) return null;
  return (
    <p class="govuk-body copse-news-notice">
      <strong>
        {props.count === 1
          ? "1 news feed keeps failing to update."
          : `${props.count} news feeds keep failing to update.`}
      </strong>{" "}
      <a class="govuk-link" href={`${props.communityPath}/news/feeds`}>
        Check the news feeds
      </a>
    </p>
  );
}
