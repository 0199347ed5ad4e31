import { itemPlacePath } from "../../../domain/item-links.ts";
import type { ItemKind } from "../../../domain/items.ts";
import { formatCursor } from "../../../domain/live/cursor.ts";
import type {
  LiveActor,
  LiveEntry,
  LiveItemEntry,
  LiveJoinEntry,
  LiveSnapshot,
} from "../../../domain/live/stream.ts";
import { communityPagePath, personPagePath } from "../../../domain/paths.ts";
import { WithAvatar } from "../avatar.tsx";
import { ButtonLink } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { When } from "./items.tsx";

/** Where the page's list gets new entries from (server-sent events). */
export const LIVE_EVENTS_PATH = "/live/events";

/** What a reply or comment answers, as the end of "Comment on …". */
const ANSWERED: Partial<Record<ItemKind, string>> = {
  topic: "Reply in a forum topic",
  entry: "Comment on a blog entry",
  wiki: "Comment on a wiki page",
  event: "Comment on an event",
  document: "Comment on a document",
  poll: "Comment on a poll",
};

const CREATED: Record<ItemKind, string> = {
  topic: "New forum topic",
  reply: "Reply",
  entry: "New blog entry",
  wiki: "New wiki page",
  event: "New event",
  document: "New document",
  poll: "New poll",
};

/** What happened, in words: "New forum topic", "Comment on a document", "Wiki page edited". */
export function entryLabel(entry: LiveItemEntry): string {
  if (entry.action === "edited") return "Wiki page edited";
  if (entry.kind === "reply") return ANSWERED[entry.rootKind] ?? CREATED.reply;
  return CREATED[entry.kind];
}

/** The page an entry links to, in the community it is shown in. */
export function entryPath(entry: LiveItemEntry): string {
  // A community's blog address of a local entry redirects to its author's blog, anchor kept.
  const place = itemPlacePath({
    item: { id: entry.itemId, kind: entry.kind, rootId: entry.rootId },
    rootKind: entry.rootKind,
    group: entry.group,
  });
  return (
    place ??
    communityPagePath(entry.group.handle, entry.group.isLocal ? undefined : entry.group.host)
  );
}

/**
 * A person's face and name, the name linking to their page here: their profile, or our page
 * about them.
 */
function PersonLink(props: { actor: LiveActor }) {
  const { actor } = props;
  const name = actor.name || actor.handle;
  const label = actor.isLocal ? name : `${name} (${actor.host})`;
  const href = personPagePath(actor.isLocal ? actor.handle : `${actor.handle}@${actor.host}`);
  return (
    <WithAvatar person={actor}>
      <a class="govuk-link" href={href}>
        {label}
      </a>
    </WithAvatar>
  );
}

/** A link to the community an entry happened in. */
function GroupLink(props: { group: LiveActor; bold?: boolean }) {
  const { group } = props;
  return (
    <a
      class={props.bold ? "govuk-link govuk-!-font-weight-bold" : "govuk-link"}
      href={communityPagePath(group.handle, group.isLocal ? undefined : group.host)}
    >
      {group.name || group.handle}
    </a>
  );
}

/** "New member: Alice joined Highways", and when. */
function JoinLine(props: { entry: LiveJoinEntry }) {
  const { entry } = props;
  return (
    <li id={`live-${entry.key}`}>
      <p class="govuk-body govuk-!-margin-bottom-1">
        New member: <PersonLink actor={entry.author} /> joined{" "}
        <GroupLink group={entry.group} bold />
      </p>
      <p class="govuk-body-s govuk-!-margin-bottom-0">
        <When date={entry.at} />
      </p>
    </li>
  );
}

/**
 * One line of the stream. The page and the live stream both render entries with this, so an
 * entry inserted by the script is exactly what a refresh would show.
 */
export function LiveEntryItem(props: { entry: LiveEntry }) {
  const { entry } = props;
  if (entry.action === "joined") return <JoinLine entry={entry} />;
  return (
    <li id={`live-${entry.key}`}>
      <p class="govuk-body govuk-!-margin-bottom-1">
        {entryLabel(entry)}:{" "}
        <a class="govuk-link govuk-!-font-weight-bold" href={entryPath(entry)}>
          {entry.title || "(untitled)"}
        </a>
      </p>
      <p class="govuk-body-s govuk-!-margin-bottom-0">
        by <PersonLink actor={entry.author} /> in <GroupLink group={entry.group} />,{" "}
        <When date={entry.at} />
      </p>
    </li>
  );
}

/** The instance-wide "What's happening now" page: the latest entries, newest first. */
export function LivePage(props: { ctx: PageContext; snapshot: LiveSnapshot; scriptPath: string }) {
  const { entries, cursor } = props.snapshot;
  return (
    <Layout ctx={props.ctx} title="What's happening now" scripts={[props.scriptPath]}>
      <h1 class="govuk-heading-l">What's happening now</h1>
      <p class="govuk-body">
        The latest topics, replies, blog entries, comments, wiki pages, events, documents and polls
        in every community you can see, and who joined them, newest first.
        {props.ctx.user ? null : " Sign in to see the private communities you belong to too."}
      </p>
      <div class="govuk-button-group">
        {/* A plain link reloads the list, with or without JavaScript. */}
        <ButtonLink href="/live" variant="secondary">
          Refresh
        </ButtonLink>
        {/* Only the script can pause live updates, so it shows this button when it runs. */}
        <button type="button" class="govuk-button govuk-button--secondary" id="live-toggle" hidden>
          Pause live updates
        </button>
      </div>
      {/* Announces how many updates arrived ("3 new updates"), never the posts themselves. */}
      <div class="govuk-body" id="live-status" role="status" aria-live="polite" />
      {entries.length === 0 ? (
        <p class="govuk-body" id="live-empty">
          Nothing has happened yet in the communities you can see.
        </p>
      ) : null}
      <ul
        class="govuk-list govuk-list--spaced"
        id="live-entries"
        aria-label="Latest activity"
        data-cursor={formatCursor(cursor)}
        data-source={LIVE_EVENTS_PATH}
      >
        {entries.map((entry) => (
          <LiveEntryItem entry={entry} />
        ))}
      </ul>
    </Layout>
  );
}
