import { and, eq, max } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { alertNews, alertSettingChanges, alertSettings } from "../../db/schema/index.ts";
import type { ActorRow } from "../actors.ts";
import { ValidationError } from "../errors.ts";
import { isFacilitator, listMembershipsOf } from "../membership.ts";
import { enabledSections } from "../sections.ts";
import {
  ALERT_SECTIONS,
  type AlertFrequency,
  type AlertSection,
  communityTopic,
  defaultFrequency,
  FACILITATOR_SECTIONS,
  FREQUENCY_LABELS,
  isFrequency,
} from "./topics.ts";

/** One line of the alert settings form: a topic, what it is called and the current choice. */
export interface AlertChoice {
  topic: string;
  /** The form field's name and id, safe in HTML ids (topics contain colons). */
  field: string;
  label: string;
  frequency: AlertFrequency;
}

/** Everything a person can tune: their own streams, then each community they belong to. */
export interface AlertChoices {
  personal: AlertChoice[];
  communities: { group: ActorRow; choices: AlertChoice[] }[];
}

/** How often a person wants to hear about a topic: their choice, or the default. */
export function frequencyFor(db: Db, personId: number, topic: string): AlertFrequency {
  const row = db
    .select()
    .from(alertSettings)
    .where(and(eq(alertSettings.personId, personId), eq(alertSettings.topic, topic)))
    .get();
  return row?.frequency ?? defaultFrequency(topic);
}

/**
 * Records a person's choice for one topic. For a community topic, the choice it replaces is
 * kept for the news already recorded (see alertSettingChanges), so news waiting for a digest
 * goes out in the one it was recorded for, once.
 */
export function setFrequency(
  db: Db,
  personId: number,
  topic: string,
  frequency: AlertFrequency,
): void {
  const before = frequencyFor(db, personId, topic);
  const untilNewsId = topic.startsWith("community:")
    ? (db
        .select({ n: max(alertNews.id) })
        .from(alertNews)
        .get()?.n ?? 0)
    : 0;
  if (before !== frequency && untilNewsId > 0) {
    // A second change with no news in between keeps the first: it is what that news had.
    db.insert(alertSettingChanges)
      .values({ personId, topic, untilNewsId, frequency: before })
      .onConflictDoNothing()
      .run();
  }
  db.insert(alertSettings)
    .values({ personId, topic, frequency })
    .onConflictDoUpdate({
      target: [alertSettings.personId, alertSettings.topic],
      set: { frequency },
    })
    .run();
}

/** The form field that carries a topic. */
export function fieldForTopic(topic: string): string {
  return `alert-${topic.replaceAll(":", "-")}`;
}

/**
 * The sections of a community a member can hear about: the ones it uses (a remote community's
 * home decides its own, so all of them), plus requests to join and reports where they facilitate.
 */
export function alertSectionsFor(db: Db, group: ActorRow, personId: number): AlertSection[] {
  const used: Set<string> = group.isLocal
    ? enabledSections(db, group.id)
    : new Set(ALERT_SECTIONS.map((s) => s.id));
  return ALERT_SECTIONS.filter((s) =>
    FACILITATOR_SECTIONS.includes(s.id)
      ? group.isLocal && isFacilitator(db, group.id, personId)
      : used.has(s.id),
  ).map((s) => s.id);
}

/** Every topic a person can tune, with their current choices, for the settings page. */
export function alertChoices(db: Db, personId: number): AlertChoices {
  const choice = (topic: string, label: string): AlertChoice => ({
    topic,
    field: fieldForTopic(topic),
    label,
    frequency: frequencyFor(db, personId, topic),
  });
  const communities = listMembershipsOf(db, personId)
    .filter((m) => m.membership.state === "active")
    .map(({ group }) => ({
      group,
      choices: alertSectionsFor(db, group, personId).map((section) =>
        choice(
          communityTopic(group.id, section),
          ALERT_SECTIONS.find((s) => s.id === section)!.label,
        ),
      ),
    }))
    .filter((c) => c.choices.length > 0);
  return {
    personal: [
      choice("messages", "Direct messages"),
      choice("replies", "Replies to you and mentions of you"),
      choice("decisions", "Decisions about you: requests to join, removed posts, your reports"),
    ],
    communities,
  };
}

/** The field of the page-wide "set every alert" select. */
export const SET_ALL_FIELD = "alert-all";

/** The field of a community's "set all its sections" select. */
export function setAllFieldFor(groupId: number): string {
  return `alert-all-${groupId}`;
}

/** A "set all" select's frequency; empty means "as chosen below", anything else is refused. */
function setAllValue(
  fields: Record<string, string>,
  field: string,
  errors: { field: string; message: string }[],
): AlertFrequency | undefined {
  const value = fields[field];
  if (value === undefined || value === "") return undefined;
  if (isFrequency(value)) return value;
  errors.push({ field, message: "Choose how often, or leave it as chosen for each section" });
  return undefined;
}

/**
 * Saves the settings form: every field must name one of the person's topics and hold a known
 * frequency, or nothing is saved and each problem is reported against its field.
 */
export function saveAlertChoices(db: Db, personId: number, fields: Record<string, string>): void {
  const choices = alertChoices(db, personId);
  const errors: { field: string; message: string }[] = [];
  // "Set all" selects, for the whole page and for each community: a frequency chosen there
  // replaces whatever the section selects below it say, so one change sets them all.
  const overall = setAllValue(fields, SET_ALL_FIELD, errors);
  const all: { choice: AlertChoice; override?: AlertFrequency }[] = [
    ...choices.personal.map((choice) => ({ choice, override: overall })),
    ...choices.communities.flatMap((c) => {
      const override = setAllValue(fields, setAllFieldFor(c.group.id), errors) ?? overall;
      return c.choices.map((choice) => ({ choice, override }));
    }),
  ];
  const updates: { topic: string; frequency: AlertFrequency }[] = [];
  for (const { choice, override } of all) {
    const value = override ?? fields[choice.field];
    if (value === undefined) continue;
    if (!isFrequency(value)) {
      errors.push({
        field: choice.field,
        message: `Choose how often to hear about ${choice.label.toLowerCase()}: ${Object.values(
          FREQUENCY_LABELS,
        )
          .join(", ")
          .toLowerCase()}`,
      });
    } else {
      updates.push({ topic: choice.topic, frequency: value });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  // One connection serves the whole process, so statements inside the callback are part of it.
  db.transaction(() => {
    for (const u of updates) setFrequency(db, personId, u.topic, u.frequency);
  });
}
