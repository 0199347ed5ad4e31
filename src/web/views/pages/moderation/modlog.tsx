import type { ActorRow } from "../../../../domain/actors.ts";
import type { ModerationAction, ModerationLogEntry } from "../../../../domain/moderation/log.ts";
import { Pagination, Table } from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";
import { ActorLink, When } from "../items.tsx";

const ACTION_LABELS: Record<ModerationAction, string> = {
  "remove-member": "Removed a member",
  ban: "Banned",
  unban: "Lifted a ban",
  appoint: "Made a facilitator",
  dismiss: "Removed as facilitator",
  "remove-item": "Removed a post",
  "restore-item": "Restored a post",
  lock: "Locked a topic",
  unlock: "Unlocked a topic",
  pin: "Pinned a topic",
  unpin: "Unpinned a topic",
  settings: "Changed the community's details",
};

/** What an entry was about: a person, or an item by its title (removed ones are not linked). */
function Subject(props: { entry: ModerationLogEntry }) {
  const { target, item, entry } = props.entry;
  if (target) return <ActorLink actor={target} />;
  if (item) return <>{item.title || `A ${item.kind === "reply" ? "reply" : item.kind}`}</>;
  return entry.action === "settings" ? "The community" : "Something since deleted";
}

/** A community's moderation log: who did what, to whom or what, when and why. */
export function ModerationLogPage(props: {
  ctx: PageContext;
  group: ActorRow;
  path: string;
  entries: ModerationLogEntry[];
  total: number;
  page: number;
  pageSize: number;
}) {
  const totalPages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Layout ctx={props.ctx} title={`Moderation log – ${props.group.name}`} backLink={props.path}>
      <span class="govuk-caption-l">{props.group.name}</span>
      <h1 class="govuk-heading-l">Moderation log</h1>
      <p class="govuk-body">
        Everything the facilitators have done to members and posts, newest first.
      </p>
      {props.entries.length === 0 ? (
        <p class="govuk-body">Nothing has been moderated here.</p>
      ) : (
        <Table
          caption={`Actions (${props.total})`}
          captionSize="m"
          head={["When", "Who", "What", "Concerning", "Reason"]}
          rows={props.entries.map((e) => [
            <When date={e.entry.createdAt} />,
            e.actor ? <ActorLink actor={e.actor} /> : "The instance administrator",
            <>
              {ACTION_LABELS[e.entry.action]}
              {e.entry.expiresAt ? (
                <>
                  {" "}
                  until <When date={e.entry.expiresAt} />
                </>
              ) : null}
            </>,
            <Subject entry={e} />,
            e.entry.reason || "None given",
          ])}
        />
      )}
      <Pagination
        currentPage={Math.min(props.page, totalPages)}
        totalPages={totalPages}
        hrefFor={(p) => `${props.path}/modlog?page=${p}`}
      />
    </Layout>
  );
}
