import { and, count, desc, eq, exists, inArray, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client.ts";
import { actors, itemGroups, items, memberships } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";
import { findCommunityByActorId } from "./communities.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "./errors.ts";
import { linkUploadedImages } from "./images/uploads.ts";
import {
  composeItem,
  getItem,
  groupsOfItem,
  type ItemRow,
  newItemIri,
  validateItemFields,
  visibilityFor,
} from "./items.ts";
import { isActiveMember, listMembershipsOf } from "./membership.ts";
import { recordMentions, renderWithMentions } from "./mentions.ts";
import { enabledSections } from "./sections.ts";

// Blog entries are items of kind "entry": a title, a short summary and a Markdown body, written
// by one person, published into none, one or several of the communities they belong to, or kept
// as a draft only its author sees. Comments are items of kind "reply" in the entry's thread.

/** How many entries a blog list shows per page. */
export const ENTRY_PAGE_SIZE = 10;
const MAX_SUMMARY = 1000;

/** One line of a blog list. */
export interface EntrySummary {
  entry: ItemRow;
  author: ActorRow;
  comments: number;
}

/** What a person typed into the entry form. */
export interface EntryFields {
  title: string;
  summary: string;
  body: string;
  /** Actor ids of the communities to publish into. */
  groupIds: number[];
  status: "published" | "draft";
}

// A second name for item_groups, so a subquery about the viewer's memberships does not clash
// with a list that already joins item_groups to pick one community.
const viewerGroups = alias(itemGroups, "viewer_groups");

/** Whether the viewer is an active member of one of the item's communities (correlated SQL). */
function viewerIsMember(db: Db, viewerId: number): SQL {
  return exists(
    db
      .select({ one: sql`1` })
      .from(viewerGroups)
      .innerJoin(memberships, eq(memberships.groupId, viewerGroups.groupId))
      .where(
        and(
          eq(viewerGroups.itemId, items.id),
          eq(memberships.memberId, viewerId),
          eq(memberships.state, "active"),
        ),
      ),
  );
}

/** The SQL twin of `canView` for published items: public, or the viewer's own, or a member's. */
function publishedAndVisible(db: Db, viewerId: number | null | undefined): SQL {
  const published = eq(items.status, "published");
  if (!viewerId) return and(published, eq(items.visibility, "public"))!;
  return and(
    published,
    or(eq(items.visibility, "public"), eq(items.authorId, viewerId), viewerIsMember(db, viewerId)),
  )!;
}

/** Lists entries matching a condition, newest first, with their live comment counts. */
function pageOfEntries(
  db: Db,
  where: SQL,
  options: { page: number; pageSize: number; inGroup?: number },
): { entries: EntrySummary[]; total: number } {
  const conditions = [
    where,
    eq(items.kind, "entry"),
    isNull(items.deletedAt),
    isNull(items.removedAt),
  ];
  if (options.inGroup !== undefined) conditions.push(eq(itemGroups.groupId, options.inGroup));
  const filter = and(...conditions);
  const base = () => {
    const query = db.select({ n: count() }).from(items);
    return options.inGroup === undefined
      ? query.where(filter)
      : query.innerJoin(itemGroups, eq(itemGroups.itemId, items.id)).where(filter);
  };
  const total = base().get()?.n ?? 0;
  const comments = sql<number>`(select count(*) from items r
    where r.root_id = ${items.id} and r.id != ${items.id} and r.deleted_at is null and r.removed_at is null)`;
  const select = db
    .select({ entry: items, author: actors, comments })
    .from(items)
    .innerJoin(actors, eq(actors.id, items.authorId));
  const joined =
    options.inGroup === undefined
      ? select
      : select.innerJoin(itemGroups, eq(itemGroups.itemId, items.id));
  const entries = joined
    .where(filter)
    .orderBy(desc(items.publishedAt), desc(items.id))
    .limit(options.pageSize)
    .offset((Math.max(1, options.page) - 1) * options.pageSize)
    .all();
  return { entries, total };
}

/** A person's blog as the viewer may see it: drafts only for its author. */
export function listEntries(
  db: Db,
  authorId: number,
  options: { viewerId?: number | null; page?: number; pageSize?: number; publishedOnly?: boolean },
): { entries: EntrySummary[]; total: number } {
  const own = options.viewerId === authorId && !options.publishedOnly;
  return pageOfEntries(
    db,
    and(eq(items.authorId, authorId), own ? undefined : publishedAndVisible(db, options.viewerId))!,
    { page: options.page ?? 1, pageSize: options.pageSize ?? ENTRY_PAGE_SIZE },
  );
}

/** The entries published into a community that the viewer may see, newest first. */
export function listEntriesInGroup(
  db: Db,
  groupId: number,
  options: { viewerId?: number | null; page?: number; pageSize?: number },
): { entries: EntrySummary[]; total: number } {
  return pageOfEntries(db, publishedAndVisible(db, options.viewerId), {
    page: options.page ?? 1,
    pageSize: options.pageSize ?? ENTRY_PAGE_SIZE,
    inGroup: groupId,
  });
}

/** A live (not deleted) blog entry by database id. */
export function findEntry(db: Db, id: number): ItemRow | undefined {
  const item = getItem(db, id);
  return item?.kind === "entry" && !item.deletedAt ? item : undefined;
}

/**
 * The communities, local or remote, a person may publish into: those they are active in, less
 * local ones whose facilitators switched the blog off (remote ones decide at home).
 */
export function publishableGroups(db: Db, authorId: number): ActorRow[] {
  return listMembershipsOf(db, authorId)
    .filter(({ membership, group }) => membership.state === "active" && group.type === "Group")
    .map(({ group }) => group)
    .filter((group) => !group.isLocal || enabledSections(db, group.id).has("blog"));
}

/** Whether a viewer may know a community is there: it is public, or they are in it. */
export function groupIsVisibleTo(db: Db, group: ActorRow, viewerId: number | null | undefined) {
  const community = findCommunityByActorId(db, group.id);
  const isPrivate = community
    ? community.visibility === "private"
    : group.manuallyApprovesFollowers;
  return !isPrivate || (!!viewerId && isActiveMember(db, group.id, viewerId));
}

/** The communities of an entry the viewer may see named (private ones only to their members). */
export function visibleGroupsOf(
  db: Db,
  item: ItemRow,
  viewerId: number | null | undefined,
): ActorRow[] {
  return groupsOfItem(db, item.id).filter((g) => groupIsVisibleTo(db, g, viewerId));
}

/** Checks the entry's own fields (title, body, summary) and collects every problem. */
function validateEntry(fields: EntryFields): void {
  const problems: ValidationError["errors"] = [];
  try {
    validateItemFields("entry", { title: fields.title, body: fields.body });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.errors);
  }
  if (fields.summary.trim().length > MAX_SUMMARY) {
    problems.push({
      field: "summary",
      message: `Summary must be ${MAX_SUMMARY} characters or fewer`,
    });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Resolves chosen community ids against the ones allowed, refusing any other. */
function chosenGroups(allowed: ActorRow[], ids: number[]): ActorRow[] {
  const byId = new Map(allowed.map((g) => [g.id, g]));
  const chosen = [...new Set(ids)].map((id) => byId.get(id));
  if (chosen.some((g) => g === undefined)) {
    throw new ValidationError([
      { field: "groups", message: "Choose only communities you are a member of" },
    ]);
  }
  return chosen as ActorRow[];
}

/** A local person writes a new entry, published at once or kept as a draft. */
export function composeEntry(db: Db, origin: string, author: ActorRow, fields: EntryFields) {
  validateEntry(fields);
  const groups = chosenGroups(publishableGroups(db, author.id), fields.groupIds);
  return composeItem(db, origin, {
    kind: "entry",
    author,
    groups,
    title: fields.title,
    summary: fields.summary,
    body: fields.body,
    status: fields.status,
  });
}

/** What an edit changed, which the federation layer needs to tell other servers. */
export interface EntryEdit {
  before: ItemRow;
  after: ItemRow;
  /** The communities the entry was in before the edit. */
  previousGroups: ActorRow[];
}

/**
 * The author edits an entry: its text, its communities and whether it is published. A draft
 * may move freely. A published entry may gain communities but not lose any, nor become
 * members-only: copies already sent to other servers cannot be recalled from one community
 * alone, so withdrawing means saving it as a draft (which deletes it everywhere) first.
 * Withdrawing also gives the entry a fresh ActivityPub id, because servers keep the old one
 * as a tombstone and would ignore it if it were published again.
 */
export function editEntry(
  db: Db,
  origin: string,
  entry: ItemRow,
  byActorId: number,
  fields: EntryFields,
): EntryEdit {
  if (entry.deletedAt || entry.kind !== "entry") throw new NotFoundError("That entry is gone");
  if (!entry.isLocal || entry.authorId !== byActorId) {
    throw new ForbiddenError("Only the author can change a blog entry");
  }
  validateEntry(fields);
  const previousGroups = groupsOfItem(db, entry.id);
  const allowed = [...publishableGroups(db, byActorId), ...previousGroups];
  const groups = chosenGroups(allowed, fields.groupIds);
  const visibility = visibilityFor(db, groups);
  const wasPublished = entry.status === "published";
  const staysPublished = wasPublished && fields.status === "published";
  if (staysPublished) {
    const kept = new Set(groups.map((g) => g.id));
    const dropped = previousGroups.filter((g) => !kept.has(g.id));
    if (dropped.length > 0 || (entry.visibility === "public" && visibility === "members")) {
      throw new ValidationError([
        {
          field: "groups",
          message:
            dropped.length > 0
              ? `A published entry cannot be taken out of ${dropped[0]!.name}. Save it as a draft first to withdraw it, then publish it again`
              : "A public entry cannot be moved into a private community. Save it as a draft first, then publish it again",
        },
      ]);
    }
  }
  const now = new Date();
  const body = renderWithMentions(db, origin, fields.body);
  const after = db.transaction((tx) => {
    recordMentions(
      tx as unknown as Db,
      entry.id,
      body.mentioned.map((p) => p.id),
    );
    linkUploadedImages(tx as unknown as Db, entry.id, entry.authorId, fields.body);
    const becomesPublished = !wasPublished && fields.status === "published";
    const updated = tx
      .update(items)
      .set({
        title: fields.title.trim(),
        summary: fields.summary.trim(),
        bodySource: fields.body,
        bodyHtml: body.html,
        status: fields.status,
        visibility,
        updatedAt: now,
        // Publishing a draft dates it from now; what it was before was private work.
        ...(becomesPublished ? { publishedAt: now, activityAt: now } : {}),
        ...(wasPublished && fields.status === "draft" ? { iri: newItemIri(origin, "entry") } : {}),
      })
      .where(eq(items.id, entry.id))
      .returning()
      .get();
    // Comments follow their entry: same communities (for listing and access), same visibility,
    // and hidden while the entry is a draft.
    const thread = tx
      .select({ id: items.id })
      .from(items)
      .where(eq(items.rootId, entry.id))
      .all()
      .map((r) => r.id);
    tx.delete(itemGroups).where(inArray(itemGroups.itemId, thread)).run();
    for (const itemId of thread) {
      for (const group of groups) tx.insert(itemGroups).values({ itemId, groupId: group.id }).run();
    }
    tx.update(items)
      .set({ status: fields.status, visibility })
      .where(and(eq(items.rootId, entry.id), ne(items.id, entry.id)))
      .run();
    return updated;
  });
  return { before: entry, after, previousGroups };
}

/** Adds community links to an item, keeping the ones it has (e.g. a second group's Announce). */
export function addItemGroups(db: Db, itemId: number, groupIds: number[]): void {
  for (const groupId of new Set(groupIds)) {
    db.insert(itemGroups).values({ itemId, groupId }).onConflictDoNothing().run();
  }
}
