import { ALERT_FREQUENCIES } from "../../db/schema/index.ts";

// An alert topic names one stream of news a person can tune: their direct messages, replies to
// their posts, decisions about them (answers to their requests to join, removals of their posts,
// outcomes of their reports), or one section of one community. Topics are plain strings so a setting, a
// pending entry and an unsubscribe token can all name the same thing.

/** How often a person hears about a topic. */
export type AlertFrequency = (typeof ALERT_FREQUENCIES)[number];

/** Every frequency, in the order the settings page offers them. */
export const FREQUENCIES: readonly AlertFrequency[] = ALERT_FREQUENCIES;

/** What each frequency is called on the settings page. */
export const FREQUENCY_LABELS: Record<AlertFrequency, string> = {
  off: "Off",
  immediate: "Immediately",
  daily: "Daily digest",
  weekly: "Weekly digest",
};

/** The community sections a person can hear about, plus requests and reports for facilitators. */
export const ALERT_SECTIONS = [
  { id: "forum", label: "Forum" },
  { id: "blog", label: "Blog" },
  { id: "wiki", label: "Wiki" },
  { id: "events", label: "Events" },
  { id: "documents", label: "Documents" },
  { id: "polls", label: "Polls" },
  { id: "requests", label: "Membership requests" },
  { id: "reports", label: "Reports" },
] as const;

/** The sections only a community's facilitators hear about. */
export const FACILITATOR_SECTIONS: readonly AlertSection[] = ["requests", "reports"];

/** A community section alerts can be about. */
export type AlertSection = (typeof ALERT_SECTIONS)[number]["id"];

/** A section that holds content (every alert section but requests and reports). */
export type ContentSection = Exclude<AlertSection, "requests" | "reports">;

/** A parsed topic. */
export type AlertTopic =
  | { kind: "messages" }
  | { kind: "replies" }
  /** Answers to one's requests to join, removals of one's posts, outcomes of one's reports. */
  | { kind: "decisions" }
  | { kind: "community"; groupId: number; section: AlertSection }
  /** Every topic currently sent by one digest; used only by unsubscribe links in digests. */
  | { kind: "digest"; frequency: "daily" | "weekly" };

/** The topic of one community section. */
export function communityTopic(groupId: number, section: AlertSection): string {
  return `community:${groupId}:${section}`;
}

/** The topic a digest's unsubscribe link stands for. */
export function digestTopic(frequency: "daily" | "weekly"): string {
  return `digest:${frequency}`;
}

/** Whether a string names an alert section. */
export function isAlertSection(value: string): value is AlertSection {
  return ALERT_SECTIONS.some((s) => s.id === value);
}

/** Whether a string names a frequency. */
export function isFrequency(value: string): value is AlertFrequency {
  return (FREQUENCIES as readonly string[]).includes(value);
}

/** Reads a topic string; undefined when it names nothing. */
export function parseTopic(topic: string): AlertTopic | undefined {
  if (topic === "messages" || topic === "replies" || topic === "decisions") {
    return { kind: topic };
  }
  const community = /^community:([1-9][0-9]*):([a-z]+)$/.exec(topic);
  if (community && isAlertSection(community[2]!)) {
    return { kind: "community", groupId: Number(community[1]), section: community[2] };
  }
  if (topic === "digest:daily" || topic === "digest:weekly") {
    return { kind: "digest", frequency: topic === "digest:daily" ? "daily" : "weekly" };
  }
  return undefined;
}

/**
 * What a person gets when they never chose: replies, messages and decisions about them at once,
 * because someone is waiting for an answer or something of theirs changed; for facilitators,
 * requests to join and reports at once too, because someone waits on them; community news once
 * a day, so a busy community does not flood them.
 */
export function defaultFrequency(topic: string): AlertFrequency {
  if (topic === "messages" || topic === "replies" || topic === "decisions") return "immediate";
  return /:(requests|reports)$/.test(topic) ? "immediate" : "daily";
}

/** The human name of a section. */
export function sectionLabel(section: AlertSection): string {
  return ALERT_SECTIONS.find((s) => s.id === section)!.label;
}
