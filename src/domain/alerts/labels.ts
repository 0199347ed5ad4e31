import type { Db } from "../../db/client.ts";
import { getActor } from "../actors.ts";
import { parseTopic, sectionLabel } from "./topics.ts";

/** How a topic is named in mails and on the unsubscribe page, e.g. "Forum news from Garden". */
export function describeTopic(db: Db, topic: string): string {
  const parsed = parseTopic(topic);
  switch (parsed?.kind) {
    case "messages":
      return "Direct messages";
    case "replies":
      return "Replies to you and mentions of you";
    case "decisions":
      return "Decisions about your requests, posts and reports";
    case "digest":
      return parsed.frequency === "daily" ? "Your daily digest" : "Your weekly digest";
    case "community": {
      const group = getActor(db, parsed.groupId);
      const name = group?.name || group?.handle || "a community";
      if (parsed.section === "requests") return `Membership requests for ${name}`;
      if (parsed.section === "reports") return `Reports in ${name}`;
      return `${sectionLabel(parsed.section)} news from ${name}`;
    }
    default:
      return "Email alerts";
  }
}
