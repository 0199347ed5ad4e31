import { and, asc, desc, eq, inArray, isNull, ne } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { itemGroups, items, wikiPendingEdits, wikiRelated } from "../../db/schema/index.ts";
import type { ActorRow } from "../actors.ts";
import { findItemByIri, type ItemRow, insertItem } from "../items.ts";
import {
  appendRevision,
  findRevisionByIri,
  latestRevision,
  MAX_RELATED,
  relatedCandidates,
  type WikiRevision,
} from "./wiki.ts";

// Copies of wiki pages whose community lives on another server, and the edits local people
// send to those servers. The home server numbers revisions; this instance copies its numbers.

/** An edit waiting for (or refused by) a remote community's home server. */
export type PendingWikiEdit = typeof wikiPendingEdits.$inferSelect;

/** A revision as the page's home server announced it, already sanitized. */
export interface RemoteRevisionData {
  number: number;
  iri: string;
  title: string;
  bodySource: string | null;
  bodyHtml: string;
  reason: string;
  authorId: number;
  createdAt: Date;
  /** The revision the edit was based on (none for the first). */
  baseNumber: number | null;
}

/** Stores the copy of a remote community's wiki page, before any of its revisions. */
export function storeRemoteWikiPage(
  db: Db,
  input: {
    iri: string;
    group: ActorRow;
    creatorId: number;
    title: string;
    bodySource: string | null;
    bodyHtml: string;
    url: string | null;
    visibility: "public" | "members";
    publishedAt: Date;
  },
): ItemRow {
  const existing = findItemByIri(db, input.iri);
  if (existing) return existing;
  return insertItem(db, {
    kind: "wiki",
    iri: input.iri,
    authorId: input.creatorId,
    groupIds: [input.group.id],
    title: input.title,
    bodySource: input.bodySource,
    bodyHtml: input.bodyHtml,
    url: input.url,
    visibility: input.visibility,
    isLocal: false,
    publishedAt: input.publishedAt,
  });
}

/** The revision numbers below `number` this copy lacks, oldest first (to fetch before it). */
export function missingRevisionsBefore(db: Db, page: ItemRow, number: number): number[] {
  const latest = latestRevision(db, page.id)?.number ?? 0;
  const missing: number[] = [];
  for (let n = latest + 1; n < number; n++) missing.push(n);
  return missing;
}

/**
 * Appends a revision the home server announced to the local copy of its page, keeping its
 * number so histories match. Repeated or out-of-date announcements change nothing (null).
 * An edit of ours that became this revision is marked applied.
 */
export function applyRemoteRevision(
  db: Db,
  page: ItemRow,
  data: RemoteRevisionData,
): { page: ItemRow; revision: WikiRevision } | null {
  if (page.isLocal || page.kind !== "wiki") return null;
  if (findRevisionByIri(db, data.iri)) return null;
  const latest = latestRevision(db, page.id);
  if (latest && data.number <= latest.number) return null;
  return db.transaction(() => {
    const applied = appendRevision(db, page, {
      number: data.number,
      title: data.title,
      bodySource: data.bodySource,
      bodyHtml: data.bodyHtml,
      reason: data.reason,
      authorId: data.authorId,
      createdAt: data.createdAt,
      iri: data.iri,
    });
    if (data.number === 1) markNewPageApplied(db, page, data);
    if (data.baseNumber !== null) {
      db.update(wikiPendingEdits)
        .set({ state: "applied", revisionNumber: data.number, decidedAt: new Date() })
        .where(
          and(
            eq(wikiPendingEdits.itemId, page.id),
            eq(wikiPendingEdits.authorId, data.authorId),
            eq(wikiPendingEdits.baseNumber, data.baseNumber),
            eq(wikiPendingEdits.state, "pending"),
          ),
        )
        .run();
    }
    return applied;
  });
}

/**
 * A page one of our people proposed has been created by its community: the oldest waiting
 * proposal of theirs with that title in that community is the one (the home server gives the
 * page its own id, so nothing else ties the two together).
 */
function markNewPageApplied(db: Db, page: ItemRow, data: RemoteRevisionData): void {
  const group = db
    .select({ groupId: itemGroups.groupId })
    .from(itemGroups)
    .where(eq(itemGroups.itemId, page.id))
    .get();
  if (!group) return;
  const proposal = db
    .select()
    .from(wikiPendingEdits)
    .where(
      and(
        eq(wikiPendingEdits.groupId, group.groupId),
        isNull(wikiPendingEdits.itemId),
        eq(wikiPendingEdits.authorId, data.authorId),
        eq(wikiPendingEdits.title, data.title),
        eq(wikiPendingEdits.state, "pending"),
      ),
    )
    .orderBy(asc(wikiPendingEdits.id))
    .get();
  if (!proposal) return;
  db.update(wikiPendingEdits)
    .set({ state: "applied", itemId: page.id, revisionNumber: 1, decidedAt: new Date() })
    .where(eq(wikiPendingEdits.id, proposal.id))
    .run();
}

/**
 * Sets a copied page's related pages from the ids its home server lists, keeping only the
 * wiki pages of the same community this instance holds.
 */
export function setRemoteRelatedPages(db: Db, page: ItemRow, groupId: number, iris: string[]) {
  const wanted = new Set(iris.slice(0, MAX_RELATED));
  const ids =
    wanted.size === 0
      ? []
      : relatedCandidates(db, groupId, page.id)
          .filter((p) => wanted.has(p.iri))
          .map((p) => p.id);
  db.transaction((tx) => {
    tx.delete(wikiRelated).where(eq(wikiRelated.itemId, page.id)).run();
    for (const relatedItemId of ids)
      tx.insert(wikiRelated).values({ itemId: page.id, relatedItemId }).run();
  });
}

/** The ids of wiki pages of a community, by ActivityPub id, for a proposal's related pages. */
export function wikiPageIdsByIri(db: Db, groupId: number, iris: string[]): number[] {
  if (iris.length === 0) return [];
  const known = new Set(
    db
      .select({ id: items.id })
      .from(items)
      .where(and(inArray(items.iri, iris), eq(items.kind, "wiki")))
      .all()
      .map((r) => r.id),
  );
  return relatedCandidates(db, groupId)
    .filter((p) => known.has(p.id))
    .map((p) => p.id);
}

/**
 * Whether one of our people has an edit (or a new page) waiting in a remote community that an
 * announced revision could be: only then may that revision name them as its author. A remote
 * community that names one of our people for an edit they never sent is not believed.
 */
export function awaitsRevision(
  db: Db,
  input: {
    pageId: number | null;
    groupId: number;
    authorId: number;
    number: number;
    baseNumber: number | null;
    title: string;
  },
): boolean {
  const waiting = and(
    eq(wikiPendingEdits.authorId, input.authorId),
    eq(wikiPendingEdits.state, "pending"),
  );
  const match =
    input.number === 1 || input.pageId === null
      ? and(
          waiting,
          eq(wikiPendingEdits.groupId, input.groupId),
          isNull(wikiPendingEdits.itemId),
          eq(wikiPendingEdits.title, input.title),
        )
      : input.baseNumber === null
        ? undefined
        : and(
            waiting,
            eq(wikiPendingEdits.itemId, input.pageId),
            eq(wikiPendingEdits.baseNumber, input.baseNumber),
          );
  return match !== undefined && db.select().from(wikiPendingEdits).where(match).get() !== undefined;
}

/** Remembers an edit sent to a remote community, until its home server answers. */
export function recordPendingEdit(
  db: Db,
  input: Omit<typeof wikiPendingEdits.$inferInsert, "id" | "state" | "createdAt">,
): PendingWikiEdit {
  return db
    .insert(wikiPendingEdits)
    .values({ ...input, state: "pending" })
    .returning()
    .get();
}

/** Finds the edit an activity id names. */
export function findPendingEditByActivity(db: Db, iri: string): PendingWikiEdit | undefined {
  return db.select().from(wikiPendingEdits).where(eq(wikiPendingEdits.activityIri, iri)).get();
}

/** Records that the home server refused an edit, and why; the editor's text is kept. */
export function rejectPendingEdit(db: Db, id: number, message: string): PendingWikiEdit {
  return db
    .update(wikiPendingEdits)
    .set({ state: "rejected", message, decidedAt: new Date() })
    .where(eq(wikiPendingEdits.id, id))
    .returning()
    .get();
}

/** One person's edits of a page still waiting or refused (applied ones need no notice). */
export function openPendingEdits(db: Db, itemId: number, authorId: number): PendingWikiEdit[] {
  return db
    .select()
    .from(wikiPendingEdits)
    .where(
      and(
        eq(wikiPendingEdits.itemId, itemId),
        eq(wikiPendingEdits.authorId, authorId),
        ne(wikiPendingEdits.state, "applied"),
      ),
    )
    .orderBy(desc(wikiPendingEdits.id))
    .all();
}

/** One person's proposed new pages for a community, still waiting or refused. */
export function openPendingPages(db: Db, groupId: number, authorId: number): PendingWikiEdit[] {
  return db
    .select()
    .from(wikiPendingEdits)
    .where(
      and(
        eq(wikiPendingEdits.groupId, groupId),
        isNull(wikiPendingEdits.itemId),
        eq(wikiPendingEdits.authorId, authorId),
        ne(wikiPendingEdits.state, "applied"),
      ),
    )
    .orderBy(desc(wikiPendingEdits.id))
    .all();
}

/** One of a person's own pending or refused edits. */
export function getPendingEdit(db: Db, id: number, authorId: number): PendingWikiEdit | undefined {
  return db
    .select()
    .from(wikiPendingEdits)
    .where(and(eq(wikiPendingEdits.id, id), eq(wikiPendingEdits.authorId, authorId)))
    .get();
}

/** The editor has read the refusal (or copied their text) and wants the notice gone. */
export function dismissPendingEdit(db: Db, id: number, authorId: number): boolean {
  const result = db
    .delete(wikiPendingEdits)
    .where(
      and(
        eq(wikiPendingEdits.id, id),
        eq(wikiPendingEdits.authorId, authorId),
        eq(wikiPendingEdits.state, "rejected"),
      ),
    )
    .run();
  return result.changes > 0;
}
