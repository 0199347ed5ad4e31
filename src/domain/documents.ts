import { and, asc, count, desc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { actors, documents, itemGroups, items } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";
import { type FieldError, ValidationError } from "./errors.ts";
import type { StoredFile } from "./files.ts";
import { composeItem, type ItemRow, validateItemFields } from "./items.ts";

/** A row of the documents table: the file behind a document item. */
export type DocumentRow = typeof documents.$inferSelect;

/** How the document list is ordered or filtered. */
export type DocumentSort = "latest" | "az" | "mine";

/** One line of a community's document library. */
export interface DocumentSummary {
  item: ItemRow;
  author: ActorRow;
  document: DocumentRow;
  /** Mean of the star ratings given here, or null when nobody has rated it. */
  average: number | null;
  ratings: number;
  comments: number;
}

const MAX_FILE_NAME = 200;

/**
 * Cleans an uploaded file's name for storing and for Content-Disposition: the last path part
 * only (browsers on Windows once sent full paths), no control or bidi-override characters,
 * at most 200 characters with the extension kept.
 */
export function sanitiseFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? "";
  const cleaned = base
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "");
  if (cleaned.length === 0) return "file";
  if (cleaned.length <= MAX_FILE_NAME) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : "";
  return cleaned.slice(0, MAX_FILE_NAME - extension.length) + extension;
}

/** Checks a new document's title, description and chosen file, reporting every problem. */
export function validateDocument(fields: {
  title: string;
  description: string;
  file: { name: string; size: number } | null;
}): void {
  const errors: FieldError[] = [];
  try {
    validateItemFields("document", { title: fields.title, body: fields.description });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    errors.push(
      ...error.errors.map((e) => (e.field === "body" ? { ...e, field: "description" } : e)),
    );
  }
  if (!fields.file || (fields.file.size === 0 && fields.file.name === "")) {
    errors.push({ field: "file", message: "Select a file" });
  } else if (fields.file.size === 0) {
    errors.push({ field: "file", message: "The selected file is empty" });
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

/** A local person adds a stored file to a community's library as a document item. */
export function createDocument(
  db: Db,
  origin: string,
  input: {
    author: ActorRow;
    group: ActorRow;
    title: string;
    description: string;
    fileName: string;
    file: StoredFile;
  },
): { item: ItemRow; document: DocumentRow } {
  const item = composeItem(db, origin, {
    kind: "document",
    author: input.author,
    groups: [input.group],
    title: input.title,
    body: input.description,
  });
  const document = db
    .insert(documents)
    .values({
      itemId: item.id,
      fileName: sanitiseFileName(input.fileName),
      mediaType: input.file.mediaType,
      size: input.file.size,
      sha256: input.file.sha256,
      storagePath: input.file.storagePath,
      remoteUrl: null,
    })
    .returning()
    .get();
  return { item, document };
}

/** Keeps the metadata of a document from another server; its bytes stay on its origin. */
export function saveRemoteDocument(
  db: Db,
  itemId: number,
  data: { fileName: string; mediaType: string; remoteUrl: string },
): DocumentRow | undefined {
  const url = URL.canParse(data.remoteUrl) ? new URL(data.remoteUrl) : null;
  // The download link sends browsers there, so only web addresses are kept.
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) return undefined;
  return db
    .insert(documents)
    .values({
      itemId,
      fileName: sanitiseFileName(data.fileName),
      mediaType: /^[\w.+-]+\/[\w.+-]+$/.test(data.mediaType)
        ? data.mediaType.toLowerCase()
        : "application/octet-stream",
      size: null,
      sha256: null,
      storagePath: null,
      remoteUrl: url.href,
    })
    .onConflictDoUpdate({
      target: documents.itemId,
      set: { fileName: sanitiseFileName(data.fileName), remoteUrl: url.href },
    })
    .returning()
    .get();
}

/** The file behind a document item. */
export function getDocument(db: Db, itemId: number): DocumentRow | undefined {
  return db.select().from(documents).where(eq(documents.itemId, itemId)).get();
}

/** Whether any live document's file has this content (files are stored once per content). */
export function fileInUse(db: Db, sha256: string, exceptItemId?: number): boolean {
  const conditions = [eq(documents.sha256, sha256), isNull(items.deletedAt)];
  if (exceptItemId !== undefined) conditions.push(ne(documents.itemId, exceptItemId));
  const row = db
    .select({ n: count() })
    .from(documents)
    .innerJoin(items, eq(items.id, documents.itemId))
    .where(and(...conditions))
    .get();
  return (row?.n ?? 0) > 0;
}

/** The stored file of a deleted document when nothing else uses it, for removal from disk. */
export function unusedFileOf(db: Db, document: DocumentRow): string | null {
  if (!document.storagePath || !document.sha256) return null;
  return fileInUse(db, document.sha256, document.itemId) ? null : document.storagePath;
}

/** Lists a community's documents with ratings and comment counts, a page at a time. */
export function listDocuments(
  db: Db,
  groupId: number,
  options: { sort: DocumentSort; viewerId?: number | null; page: number; pageSize: number },
): { documents: DocumentSummary[]; total: number } {
  const conditions = [
    eq(itemGroups.groupId, groupId),
    eq(items.kind, "document"),
    eq(items.status, "published"),
    isNull(items.deletedAt),
    isNull(items.removedAt),
  ];
  if (options.sort === "mine") conditions.push(eq(items.authorId, options.viewerId ?? -1));
  const where = and(...conditions);
  const total =
    db
      .select({ n: count() })
      .from(items)
      .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
      .innerJoin(documents, eq(documents.itemId, items.id))
      .where(where)
      .get()?.n ?? 0;
  // Correlated subqueries on the rating and thread indexes, written in SQL because Drizzle
  // cannot alias a table inside a raw subquery. A document from another server shows the
  // figures its home published, once known (src/domain/ratings.ts).
  const average = sql<number | null>`coalesce(
    case when ${documents.ratingCount} is not null then ${documents.ratingAverage} end,
    (select avg(r.stars) from ratings r where r.item_id = ${items.id} and r.stars is not null))`;
  const ratingCount = sql<number>`coalesce(${documents.ratingCount}, (select count(*) from ratings r
    where r.item_id = ${items.id} and r.stars is not null))`;
  const comments = sql<number>`(select count(*) from items r
    where r.root_id = ${items.id} and r.id != ${items.id} and r.deleted_at is null and r.removed_at is null)`;
  const rows = db
    .select({
      item: items,
      author: actors,
      document: documents,
      average,
      ratings: ratingCount,
      comments,
    })
    .from(items)
    .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
    .innerJoin(documents, eq(documents.itemId, items.id))
    .innerJoin(actors, eq(actors.id, items.authorId))
    .where(where)
    .orderBy(
      options.sort === "az" ? asc(sql`lower(${items.title})`) : desc(items.publishedAt),
      desc(items.id),
    )
    .limit(options.pageSize)
    .offset((Math.max(1, options.page) - 1) * options.pageSize)
    .all();
  return { documents: rows, total };
}
