import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  alertSettingChanges,
  alertSettings,
  memberships,
  wikiRevisions,
} from "../../db/schema/index.ts";
import { type ActorRow, getActor } from "../actors.ts";
import { getItem, groupsOfItem, type ItemKind, type ItemRow, mayView } from "../items.ts";
import { enabledSections } from "../sections.ts";
import type { WikiRevision } from "../wiki/wiki.ts";
import { type AlertFrequency, defaultFrequency } from "./topics.ts";

// A digest run turns thousands of entries into lines, and most of them name the same few
// hundred items, authors and communities: asked one entry at a time, the same rows were read
// again and again (about eight queries per entry). These look-ups read each row once per run.
// They are only valid while nothing else changes those rows, which holds within one sweep batch
// or one digest run: both are synchronous on the process's one connection, and they write
// alert entries, mails and tokens only. A long-lived cache would serve stale visibility.

/** How many rows one map keeps before it starts again, so a huge run cannot exhaust memory. */
const MAX_CACHED = 20_000;

/**
 * A person's active memberships (group id to role, and since when), alert choices (topic to
 * frequency) and earlier choices (topic to changes, oldest first; see alertSettingChanges).
 */
interface PersonView {
  personId: number;
  roles: Map<number, string>;
  since: Map<number, number>;
  settings: Map<string, AlertFrequency>;
  changes: Map<string, { untilNewsId: number; frequency: AlertFrequency }[]>;
}

/** Reads a key through a map, calling `load` only the first time. */
function through<K, V>(cache: Map<K, V>, key: K, load: () => V): V {
  if (cache.has(key)) return cache.get(key)!;
  if (cache.size >= MAX_CACHED) cache.clear();
  const value = load();
  cache.set(key, value);
  return value;
}

/** Memoised reads for one sweep batch or one digest run; see the note at the top of the file. */
export class AlertLookups {
  private readonly items = new Map<number, ItemRow | undefined>();
  private readonly actors = new Map<number, ActorRow | undefined>();
  private readonly groups = new Map<number, ActorRow[]>();
  private readonly revisions = new Map<number, WikiRevision | undefined>();
  private readonly derived = new Map<string, unknown>();
  private readonly sections = new Map<number, Set<string>>();
  /** Only the person being served is kept: runs go person by person. */
  private person: PersonView | undefined;

  constructor(private readonly db: Db) {}

  /** An item by id. */
  item(id: number): ItemRow | undefined {
    return through(this.items, id, () => getItem(this.db, id));
  }

  /** An actor (person or community) by id. */
  actor(id: number): ActorRow | undefined {
    return through(this.actors, id, () => getActor(this.db, id));
  }

  /** The communities an item was posted to. */
  groupsOf(itemId: number): ActorRow[] {
    return through(this.groups, itemId, () => groupsOfItem(this.db, itemId));
  }

  /** A wiki revision by id. */
  revision(id: number): WikiRevision | undefined {
    return through(this.revisions, id, () =>
      this.db.select().from(wikiRevisions).where(eq(wikiRevisions.id, id)).get(),
    );
  }

  /** The kind of an item's thread root, as rootKindOf in item-section.ts reads it. */
  rootKind(item: ItemRow): ItemKind {
    if (!item.rootId || item.rootId === item.id) return item.kind;
    return this.item(item.rootId)?.kind ?? "topic";
  }

  /**
   * Something worked out from rows that do not change during the run, made once per key: an
   * excerpt (making one sanitizes HTML), or the revision an edit is compared with.
   */
  derive<T>(key: string, make: () => T): T {
    return through(this.derived, key, make) as T;
  }

  private view(personId: number): PersonView {
    if (this.person?.personId === personId) return this.person;
    const active = this.db
      .select({
        groupId: memberships.groupId,
        role: memberships.role,
        createdAt: memberships.createdAt,
        decidedAt: memberships.decidedAt,
      })
      .from(memberships)
      .where(and(eq(memberships.memberId, personId), eq(memberships.state, "active")))
      .all();
    const roles = new Map(active.map((m) => [m.groupId, m.role]));
    // As ACTIVE_SINCE_SQL reads it: the decision, or the request for a membership never decided.
    const since = new Map(
      active.map((m) => [m.groupId, (m.decidedAt ?? m.createdAt).getTime()] as const),
    );
    const settings = new Map(
      this.db
        .select({ topic: alertSettings.topic, frequency: alertSettings.frequency })
        .from(alertSettings)
        .where(eq(alertSettings.personId, personId))
        .all()
        .map((s) => [s.topic, s.frequency]),
    );
    const changes = new Map<string, { untilNewsId: number; frequency: AlertFrequency }[]>();
    for (const c of this.db
      .select()
      .from(alertSettingChanges)
      .where(eq(alertSettingChanges.personId, personId))
      .orderBy(alertSettingChanges.untilNewsId)
      .all()) {
      const list = changes.get(c.topic) ?? [];
      list.push(c);
      changes.set(c.topic, list);
    }
    this.person = { personId, roles, since, settings, changes };
    return this.person;
  }

  /**
   * How often a person heard about a topic when a piece of news was recorded: the choice they
   * had then, which is the one that decides whether it goes in an immediate mail, a daily or a
   * weekly digest, whatever they chose since.
   */
  frequencyAt(personId: number, topic: string, newsId: number): AlertFrequency {
    const earlier = this.view(personId)
      .changes.get(topic)
      ?.find((c) => c.untilNewsId >= newsId);
    return earlier?.frequency ?? this.frequency(personId, topic);
  }

  /** Whether a person changed their choice for a topic while news of it was kept. */
  hasEarlierChoice(personId: number, topic: string): boolean {
    return this.view(personId).changes.has(topic);
  }

  /** Since when (epoch ms) a person is an active member of a group; undefined if they are not. */
  activeSince(groupId: number, personId: number): number | undefined {
    return this.view(personId).since.get(groupId);
  }

  /** Whether a local community shows a section (a section switched off sends no news). */
  sectionOn(groupId: number, section: string): boolean {
    return through(
      this.sections,
      groupId,
      () => enabledSections(this.db, groupId) as Set<string>,
    ).has(section);
  }

  /** How often a person hears about a topic, as frequencyFor in settings.ts answers. */
  frequency(personId: number, topic: string): AlertFrequency {
    return this.view(personId).settings.get(topic) ?? defaultFrequency(topic);
  }

  /** The groups a person is an active member of. */
  groupsOfMember(personId: number): number[] {
    return [...this.view(personId).roles.keys()];
  }

  /** Whether a person is an active member of a group, as isActiveMember answers. */
  isActiveMember(groupId: number, personId: number): boolean {
    return this.view(personId).roles.has(groupId);
  }

  /** Whether a person is an active facilitator of a group, as isFacilitator answers. */
  isFacilitator(groupId: number, personId: number): boolean {
    return this.view(personId).roles.get(groupId) === "facilitator";
  }

  /** Whether a person may see an item: canView's rule (mayView), with memberships from memory. */
  canView(item: ItemRow, personId: number): boolean {
    return mayView(item, personId, (id) =>
      this.groupsOf(item.id).some((g) => this.isActiveMember(g.id, id)),
    );
  }
}
