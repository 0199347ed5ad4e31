import type { Db } from "../db/client.ts";
import { cachedUntilChange } from "../db/generation.ts";
import { isActiveMember } from "./membership.ts";

// A tag cloud counts the tagged items a viewer may see (visible-items.ts): the live published
// public items, the live published items of the communities the viewer is an active member of,
// and the viewer's own live items. Counting that afresh for each signed-in view reads every
// tagging and its item (52 ms at 1,000,000 items), so the cloud is put together from parts
// that depend on the database alone, shared by everyone they concern:
// - the public counts, site-wide or of one community (what an anonymous visitor sees);
// - each community's counts of its non-public items (shared by its members), with the few of
//   those items that are also linked to other communities, so an item seen through two of the
//   viewer's communities is counted once, and one seen through another community is counted
//   in this one's cloud;
// and, for each view, the viewer's memberships and own unlisted items (drafts, or items the
// viewer can see only as their author), which are read through indexes on the viewer's rows.
// The counts are kept by triggers in tag_counts and the cross-posts marked in item_groups
// (src/db/tag-counts.ts), so each part costs a few rows whatever the instance's size and
// however often it changes; each is also kept until the database next changes.
// A community's non-public counts are added only for a community the viewer is an active
// member of as the view is made, so a private community's tags never reach anyone else.

/** One word in a tag cloud, with its use count and a size step from 1 (rare) to 5 (common). */
export interface CloudTag {
  name: string;
  display: string;
  count: number;
  step: number;
}

/** A tag and how many items carry it. */
type CloudCount = { name: string; display: string; count: number };

/** A community's non-public listed item, tagged, that is also linked to other communities. */
type CrossPosted = { itemId: number; groups: number[]; tags: CloudCount[] };

/** A community's counts of its listed items, public and not. */
interface GroupCounts {
  public: CloudCount[];
  other: CloudCount[];
}

/**
 * The most used tags on items the viewer may see, site-wide or within one community, in
 * alphabetical order; sizes come in five steps so the cloud stays readable.
 */
export function tagCloud(
  db: Db,
  viewerId: number | null | undefined,
  options: { groupId?: number; limit?: number } = {},
): CloudTag[] {
  const group = options.groupId;
  const counts = new Map(publicCounts(db, group).map((r) => [r.name, { ...r }]));
  if (viewerId !== null && viewerId !== undefined) {
    if (group !== undefined && isActiveMember(db, group, viewerId)) {
      // A member sees every listed item of the community, plus their own drafts there.
      addCounts(counts, groupCounts(db, group).other);
      addCounts(counts, countOwnDrafts(db, group, viewerId));
    } else {
      const memberOf = new Set(activeGroupsOf(db, viewerId));
      if (group === undefined) addMembersCounts(db, counts, memberOf);
      else addSeenElsewhere(db, counts, group, memberOf);
      addCounts(counts, countOwnUnlisted(db, viewerId, group));
    }
  }
  const rows = [...counts.values()].filter((r) => r.count > 0);
  return toCloud(topTags(rows, options.limit));
}

/** Adds each row's count to the tag's in `counts`. */
function addCounts(counts: Map<string, CloudCount>, rows: CloudCount[], times = 1): void {
  for (const r of rows) {
    const seen = counts.get(r.name);
    if (seen) seen.count += r.count * times;
    else counts.set(r.name, { ...r, count: r.count * times });
  }
}

/**
 * Site-wide: adds the non-public items of each of the viewer's communities, then takes away
 * the extra counts of an item linked to several of them, which each community counted.
 */
function addMembersCounts(db: Db, counts: Map<string, CloudCount>, memberOf: Set<number>) {
  const shared = new Map<number, CrossPosted>();
  for (const g of memberOf) {
    addCounts(counts, groupCounts(db, g).other);
    for (const item of crossPostedOf(db, g)) shared.set(item.itemId, item);
  }
  for (const item of shared.values()) {
    const seenIn = item.groups.filter((g) => memberOf.has(g)).length;
    if (seenIn > 1) addCounts(counts, item.tags, -(seenIn - 1));
  }
}

/**
 * One community whose non-public items the viewer does not see as a member: adds those the
 * viewer sees because they are also linked to a community the viewer is a member of.
 */
function addSeenElsewhere(
  db: Db,
  counts: Map<string, CloudCount>,
  group: number,
  memberOf: Set<number>,
) {
  for (const item of crossPostedOf(db, group)) {
    if (item.groups.some((g) => g !== group && memberOf.has(g))) addCounts(counts, item.tags);
  }
}

/** The most used tags first, then by name (byte order), at most `limit`. */
function topTags(rows: CloudCount[], limit = 50): CloudCount[] {
  return rows
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit);
}

/** Sizes the counted tags in five steps and puts them in alphabetical order. */
function toCloud(rows: CloudCount[]): CloudTag[] {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return rows
    .map((r) => ({ ...r, step: 1 + Math.floor((4 * (r.count - 1)) / Math.max(1, max - 1)) }))
    .map((r) => ({ ...r, step: max === 1 ? 1 : Math.min(5, r.step) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const siteCounts = cachedUntilChange<"site", CloudCount[]>(1);
const groupParts = cachedUntilChange<number, GroupCounts>(200);
const crossPostedParts = cachedUntilChange<number, CrossPosted[]>(200);

/** The whole site's counts in tag_counts (src/db/tag-counts.ts). */
const SITE = 0;

/** Every tag on the live published public items, site-wide or of one community. */
function publicCounts(db: Db, group: number | undefined): CloudCount[] {
  if (group !== undefined) return groupCounts(db, group).public;
  return siteCounts(db, "site", () => keptCounts(db, SITE, 1));
}

/**
 * A scope's counts as the triggers keep them (src/db/tag-counts.ts): a range of the table's
 * key, one row per tag, however many items the instance holds.
 */
function keptCounts(db: Db, group: number, isPublic: 0 | 1): CloudCount[] {
  const rows = db.$client
    .prepare(
      `SELECT t.name, t.display, c.item_count AS count
       FROM tag_counts c JOIN tags t ON t.id = c.tag_id
       WHERE c.group_id = ? AND c.is_public = ? AND c.item_count > 0`,
    )
    .all(group, isPublic) as CloudCount[];
  return rows.map((r) => ({ name: r.name, display: r.display, count: Number(r.count) }));
}

/**
 * Every tag on the community's live published items, public ones and the others apart,
 * kept until the database changes (two reads of kept counts, but shared by every view).
 */
function groupCounts(db: Db, groupId: number): GroupCounts {
  return groupParts(db, groupId, () => ({
    public: keptCounts(db, groupId, 1),
    other: keptCounts(db, groupId, 0),
  }));
}

/** The community's cross-posted non-public items (below), kept until the database changes. */
function crossPostedOf(db: Db, groupId: number): CrossPosted[] {
  return crossPostedParts(db, groupId, () => crossPosted(db, groupId));
}

/**
 * The community's non-public listed tagged items that are also linked to other communities
 * (cross-posts, few), with all their communities and tags: walked from the community's
 * entries in item_groups_cross_posted_idx (the links the triggers mark), not its taggings.
 */
function crossPosted(db: Db, groupId: number): CrossPosted[] {
  const rows = db.$client
    .prepare(
      `SELECT ig.item_id AS itemId, o.group_id AS otherId, t.name, t.display
       FROM item_groups ig INDEXED BY item_groups_cross_posted_idx
       CROSS JOIN item_groups o ON o.item_id = ig.item_id AND o.group_id <> @group
       CROSS JOIN taggings tg ON tg.item_id = ig.item_id
       CROSS JOIN tags t ON t.id = tg.tag_id
       WHERE ig.group_id = @group AND ig.cross_posted = 1 AND ig.live = 1
         AND ig.status = 'published' AND ig.visibility <> 'public'`,
    )
    .all({ group: groupId }) as {
    itemId: number;
    otherId: number;
    name: string;
    display: string;
  }[];
  const items = new Map<number, { groups: Set<number>; tags: Map<string, CloudCount> }>();
  for (const r of rows) {
    const item = items.get(r.itemId) ?? { groups: new Set([groupId]), tags: new Map() };
    item.groups.add(r.otherId);
    item.tags.set(r.name, { name: r.name, display: r.display, count: 1 });
    items.set(r.itemId, item);
  }
  return [...items].map(([itemId, item]) => ({
    itemId,
    groups: [...item.groups],
    tags: [...item.tags.values()],
  }));
}

/** The communities someone is an active member of (memberships_member_idx). */
function activeGroupsOf(db: Db, actorId: number): number[] {
  return (
    db.$client
      .prepare("SELECT group_id AS id FROM memberships WHERE member_id = ? AND state = 'active'")
      .all(actorId) as { id: number }[]
  ).map((r) => r.id);
}

// A member's own drafts in a community, kept until the database changes (read only: addCounts
// copies each row).
const ownDrafts = cachedUntilChange<string, CloudCount[]>(2_000);

/** The tags on the viewer's own live drafts in a community. */
function countOwnDrafts(db: Db, groupId: number, viewerId: number): CloudCount[] {
  return ownDrafts(db, `${groupId}:${viewerId}`, () => ownDraftCounts(db, groupId, viewerId));
}

function ownDraftCounts(db: Db, groupId: number, viewerId: number): CloudCount[] {
  return db.$client
    .prepare(
      `SELECT t.name, t.display, COUNT(DISTINCT tg.item_id) AS count
       FROM item_groups ig INDEXED BY item_groups_drafts_idx
       JOIN items i ON i.id = ig.item_id
       JOIN taggings tg ON tg.item_id = ig.item_id JOIN tags t ON t.id = tg.tag_id
       WHERE ig.group_id = @group AND ig.status <> 'published' AND ig.live = 1
         AND i.author_id = @viewer
       GROUP BY t.id`,
    )
    .all({ group: groupId, viewer: viewerId }) as CloudCount[];
}

/**
 * The tags on the viewer's own live items (in a community, when given) that the parts above
 * leave out: drafts, and non-public items in no community the viewer is a member of. Read from
 * the viewer's items (items_author_idx), not the instance's.
 */
function countOwnUnlisted(db: Db, viewerId: number, groupId: number | undefined): CloudCount[] {
  // Asked on each view of a community the viewer is not in, and of the site's cloud: kept
  // until a change, like the drafts above (read only: addCounts copies each row).
  return ownUnlisted(db, `${viewerId}:${groupId ?? ""}`, () =>
    ownUnlistedCounts(db, viewerId, groupId),
  );
}

const ownUnlisted = cachedUntilChange<string, CloudCount[]>(2_000);

function ownUnlistedCounts(db: Db, viewerId: number, groupId: number | undefined): CloudCount[] {
  const inGroup =
    groupId === undefined
      ? ""
      : "AND EXISTS (SELECT 1 FROM item_groups ig WHERE ig.item_id = i.id AND ig.group_id = @group)";
  return db.$client
    .prepare(
      `SELECT t.name, t.display, COUNT(DISTINCT tg.item_id) AS count
       FROM items i INDEXED BY items_author_idx
       JOIN taggings tg ON tg.item_id = i.id JOIN tags t ON t.id = tg.tag_id
       WHERE i.author_id = @viewer AND i.deleted_at IS NULL AND i.removed_at IS NULL
         AND NOT (i.status = 'published' AND (i.visibility = 'public' OR EXISTS (
           SELECT 1 FROM item_groups vg JOIN memberships vm ON vm.group_id = vg.group_id
           WHERE vg.item_id = i.id AND vm.member_id = @viewer AND vm.state = 'active')))
         ${inGroup}
       GROUP BY t.id`,
    )
    .all({ viewer: viewerId, group: groupId ?? null }) as CloudCount[];
}
