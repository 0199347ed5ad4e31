import type { Child } from "hono/jsx";
import { Tag } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { When } from "./items.tsx";

/** One notification as shown: what happened, in words with links, and whether it is new. */
export interface NotificationLine {
  at: Date;
  isNew: boolean;
  text: Child;
}

/** The notifications page: what needs the person's attention, newest first. */
export function NotificationsPage(props: { ctx: PageContext; lines: NotificationLine[] }) {
  return (
    <Layout ctx={props.ctx} title="Notifications">
      <h1 class="govuk-heading-l">Notifications</h1>
      <p class="govuk-body">
        Requests to join and reports in the communities you run, answers to your requests, replies
        to your posts, posts of yours that facilitators removed, and what came of your{" "}
        <a class="govuk-link" href="/reports">
          reports
        </a>
        .
      </p>
      {props.lines.length === 0 ? (
        <p class="govuk-body">You have no notifications.</p>
      ) : (
        <ul class="govuk-list govuk-list--spaced">
          {props.lines.map((line) => (
            <li>
              {line.isNew ? (
                <>
                  <Tag>New</Tag>{" "}
                </>
              ) : null}
              {line.text}{" "}
              <span class="govuk-body-s govuk-!-display-block">
                <When date={line.at} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
