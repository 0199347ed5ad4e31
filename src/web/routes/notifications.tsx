import { type Context, Hono } from "hono";
import { getActor } from "../../domain/actors.ts";
import { getItem, groupsOfItem } from "../../domain/items.ts";
import { type Notification, notificationsFor } from "../../domain/notifications/feed.ts";
import { markNotificationsSeen, notificationsSeenAt } from "../../domain/notifications/reads.ts";
import { communityPagePath, itemPagePath } from "../../domain/paths.ts";
import { requireSignIn } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { type NotificationLine, NotificationsPage } from "../views/pages/notifications.tsx";

type C = Context<AppEnv>;

/** Says what a notification is about, in a sentence with links to where to act. */
function describe(c: C, n: Notification): NotificationLine["text"] {
  const { db } = c.get("deps");
  const group = n.groupId === null ? undefined : getActor(db, n.groupId);
  const person = n.actorId === null ? undefined : getActor(db, n.actorId);
  const item = n.itemId === null ? undefined : getItem(db, n.itemId);
  const groupPath = group
    ? communityPagePath(group.handle, group.isLocal ? undefined : group.host)
    : "/";
  const link = (href: string, text: string) => (
    <a class="govuk-link" href={href}>
      {text}
    </a>
  );
  const name = person?.name ?? "Someone";
  const title = item?.title || "your post";
  switch (n.kind) {
    case "join-request":
      return (
        <>
          {name} asked to join {link(`${groupPath}/members`, group?.name ?? "a community")}.
        </>
      );
    case "report":
      return n.groupId === null ? (
        <>
          A person on this instance was reported:{" "}
          {link(`/admin/reports/${n.reportId}`, "see the report")}.
        </>
      ) : (
        <>
          New report in {group?.name}:{" "}
          {link(`${groupPath}/reports/${n.reportId}`, "see the report")}.
        </>
      );
    case "request-decided":
      return (
        <>
          Your request to join {link(groupPath, group?.name ?? "a community")} was {n.detail}.
        </>
      );
    case "reply": {
      const parent = item?.parentId ? getItem(db, item.parentId) : undefined;
      const root = item?.rootId ? getItem(db, item.rootId) : undefined;
      const where = item ? groupsOfItem(db, item.id)[0] : undefined;
      const text = `${name} replied to ${parent?.title || "your post"}`;
      return where && item ? (
        <>{link(itemPagePath(item, where, root?.kind), text)}.</>
      ) : (
        <>{text}.</>
      );
    }
    case "mention": {
      const root = item?.rootId ? getItem(db, item.rootId) : undefined;
      const where = item ? groupsOfItem(db, item.id)[0] : undefined;
      const text = `${name} mentioned you in ${root?.title || item?.title || "a post"}`;
      return where && item ? (
        <>{link(itemPagePath(item, where, root?.kind), text)}.</>
      ) : (
        <>{text}.</>
      );
    }
    case "removal":
      return (
        <>
          The facilitators of {group?.name ?? "a community"} removed {title}. Their reason: “
          {n.detail}”
        </>
      );
    case "community":
      return (
        <>
          {n.detail === "approved"
            ? `An administrator approved ${group?.name ?? "your community"}. `
            : n.detail === "rejected"
              ? `An administrator did not approve ${group?.name ?? "your community"}. `
              : n.detail === "closed"
                ? `${group?.name ?? "A community"} was closed by an administrator: it is read-only now. `
                : `${group?.name ?? "A community"} was deleted. `}
          {n.reason ? `Reason: “${n.reason}”` : null}
        </>
      );
    case "community-pending":
      return (
        <>
          {group?.name ?? "A new community"} is waiting for an administrator's approval:{" "}
          {link(`/admin/communities/${n.groupId}`, "approve or reject it")}.
        </>
      );
    case "report-outcome":
      return (
        <>
          Your report in {group?.name ?? "a community"} was{" "}
          {n.detail === "removed"
            ? "acted on: the post was removed"
            : n.detail === "banned"
              ? "acted on: the member was banned"
              : "dismissed"}
          . {link("/reports", "Your reports")}
        </>
      );
  }
}

/** The notifications page; viewing it marks everything on it as read. */
export function notificationRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/notifications", requireSignIn());
  app.get("/notifications", (c) => {
    const { db } = c.get("deps");
    const actorId = c.get("account")!.actor.id;
    const seen = notificationsSeenAt(db, actorId);
    const lines = notificationsFor(db, actorId).map((n) => ({
      at: n.at,
      isNew: !seen || n.at > seen,
      text: describe(c, n),
    }));
    markNotificationsSeen(db, actorId);
    // The header was drawn from the count before this visit; now that all is read it shows none.
    return render(
      c,
      <NotificationsPage ctx={{ ...pageContext(c), unreadNotifications: 0 }} lines={lines} />,
    );
  });
  return app;
}
