import { and, count, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { cachedUntilChange, frozen } from "../db/generation.ts";
import {
  accounts,
  actors,
  communities,
  invitations,
  itemGroups,
  items,
  taggings,
  tags,
} from "../db/schema/index.ts";
import { type CommunitySummary, listCommunities } from "./communities.ts";
import { listMembershipsOf } from "./membership.ts";
import { getPersonProfile, listPersonTags, serviceAreaLabel } from "./person-details.ts";

// What a newcomer is offered on the home page: the parts of their profile still empty, and
// communities that match what they said they know about. Administrators of a new instance get
// a checklist of the settings that make it theirs.

/** One step of a checklist: what to do, whether it is done, and where or how to do it. */
export interface ChecklistStep {
  id: string;
  label: string;
  done: boolean;
  /** The page where it is done; steps done in the configuration file have a hint instead. */
  href?: string;
  hint?: string;
}

/** The settings an administrator's checklist looks at, read by the caller from configuration. */
export interface InstanceSetup {
  instanceName: string;
  mailConfigured: boolean;
  registration: "open" | "closed";
}

/** The name an instance has until its administrator gives it one. */
export const DEFAULT_INSTANCE_NAME = "Copse";

/**
 * What makes a new instance its administrators' own: a name, outgoing mail (sign-up
 * confirmations, password resets and alerts need it), a decision about who may sign up, a first
 * community, and colleagues invited. Each is checked against the instance as it is.
 */
export function adminChecklist(db: Db, setup: InstanceSetup): ChecklistStep[] {
  const config = "in the configuration file (copse.env in the data directory), then restart";
  const hasCommunity = db.select({ id: communities.id }).from(communities).limit(1).get();
  const invited = db.select({ id: invitations.tokenHash }).from(invitations).limit(1).get();
  const accountCount = db.select({ n: count() }).from(accounts).get()?.n ?? 0;
  return [
    {
      id: "name",
      label: "Give this instance its name",
      done: setup.instanceName !== DEFAULT_INSTANCE_NAME,
      hint: `Set COPSE_INSTANCE_NAME ${config}.`,
    },
    {
      id: "mail",
      label: "Set up outgoing email",
      done: setup.mailConfigured,
      hint: `Set SMTP_URL ${config}. Until then mails are written to files and nobody can confirm a sign-up.`,
    },
    {
      id: "registration",
      label: "Decide who may sign up",
      done: setup.registration === "closed" || setup.mailConfigured,
      hint: `Anyone may sign up now, confirming their email address; set COPSE_REGISTRATION=closed ${config} to admit people by invitation only.`,
    },
    {
      id: "community",
      label: "Create the first community",
      done: hasCommunity !== undefined,
      href: "/communities/new",
    },
    {
      id: "invite",
      label: "Invite colleagues",
      done: invited !== undefined || accountCount > 1,
      href: "/admin/invitations",
    },
  ];
}

/** The profile steps that help colleagues find a person, with which are done. */
export function profileChecklist(db: Db, actorId: number): ChecklistStep[] {
  // Every signed-in home page shows it, and it is three queries: kept until a change.
  return keptChecklists(db, actorId, () => frozen(readProfileChecklist(db, actorId)));
}

const keptChecklists = cachedUntilChange<number, ChecklistStep[]>(2_000);

function readProfileChecklist(db: Db, actorId: number): ChecklistStep[] {
  const actor = db.select().from(actors).where(eq(actors.id, actorId)).get();
  const profile = getPersonProfile(db, actorId);
  const edit = "/profile/edit";
  return [
    {
      id: "job",
      label: "Add your job title and organisation",
      done: Boolean(actor?.jobTitle && actor.organisation),
      href: edit,
    },
    {
      id: "about",
      label: "Say a little about your work",
      done: Boolean(actor?.summary.trim()),
      href: edit,
    },
    {
      id: "expertise",
      label: "List your areas of expertise",
      done: listPersonTags(db, actorId, "expertise").length > 0,
      href: edit,
    },
    {
      id: "areas",
      label: "Choose the services you work in",
      done: profile.serviceAreas !== "",
      href: edit,
    },
    { id: "photo", label: "Add a photo", done: profile.photoUpdatedAt !== null, href: edit },
  ];
}

/** Whether a person is new here: they belong to no community and have asked to join none. */
export function isNewcomer(db: Db, actorId: number): boolean {
  return listMembershipsOf(db, actorId).length === 0;
}

/** A community suggested to someone, with the words of their profile it matched. */
export interface SuggestedCommunity {
  community: CommunitySummary;
  matched: string[];
}

/** Lower-case words of three or more letters, for matching profile terms to communities. */
function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 3),
  );
}

/**
 * Open communities the person has not joined, best match first: a community matches a profile
 * term (an expertise, an interest or a service area) when every word of the term appears in its
 * name, its description or the tags on its public items. With nothing to match on, the
 * communities with the most members are offered instead, so a newcomer always has a start.
 */
export function suggestCommunities(db: Db, actorId: number, limit = 5): SuggestedCommunity[] {
  const joined = new Set(listMembershipsOf(db, actorId).map((m) => m.group.id));
  const candidates = listCommunities(db).filter(
    (c) => c.state === "open" && !joined.has(c.actor.id) && c.parentGroupId === null,
  );
  if (candidates.length === 0) return [];
  const profile = getPersonProfile(db, actorId);
  const terms = [
    ...listPersonTags(db, actorId, "expertise"),
    ...listPersonTags(db, actorId, "interest"),
    ...profile.serviceAreas
      .split(",")
      .filter(Boolean)
      .map((code) => serviceAreaLabel(code)),
  ];
  const tagWords = publicTagWords(
    db,
    candidates.map((c) => c.actor.id),
  );
  const scored = candidates.map((community) => {
    const vocabulary = words(`${community.actor.name} ${community.actor.summary}`);
    for (const w of tagWords.get(community.actor.id) ?? []) vocabulary.add(w);
    const matched = terms.filter((term) => {
      const needed = [...words(term)];
      return needed.length > 0 && needed.every((w) => vocabulary.has(w));
    });
    return { community, matched };
  });
  const matching = scored.filter((s) => s.matched.length > 0);
  const pool = matching.length > 0 ? matching : scored;
  return pool
    .sort(
      (a, b) =>
        b.matched.length - a.matched.length ||
        b.community.memberCount - a.community.memberCount ||
        a.community.actor.name.localeCompare(b.community.actor.name),
    )
    .slice(0, limit);
}

/** The words of the tags on each community's public, published items. */
function publicTagWords(db: Db, groupIds: number[]): Map<number, Set<string>> {
  const rows = db
    .selectDistinct({ groupId: itemGroups.groupId, name: tags.name })
    .from(itemGroups)
    .innerJoin(items, eq(items.id, itemGroups.itemId))
    .innerJoin(taggings, eq(taggings.itemId, items.id))
    .innerJoin(tags, eq(tags.id, taggings.tagId))
    .where(
      and(
        inArray(itemGroups.groupId, groupIds),
        eq(items.visibility, "public"),
        eq(items.status, "published"),
        isNull(items.deletedAt),
      ),
    )
    .all();
  const byGroup = new Map<number, Set<string>>();
  for (const row of rows) {
    const set = byGroup.get(row.groupId) ?? new Set<string>();
    for (const w of words(row.name)) set.add(w);
    byGroup.set(row.groupId, set);
  }
  return byGroup;
}
