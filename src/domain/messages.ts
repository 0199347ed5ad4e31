import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { cachedUntilChange } from "../db/generation.ts";
import { actors, messages } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";
import { ValidationError } from "./errors.ts";
import { renderMarkdown } from "./html.ts";

/** A row of the messages table. */
export type MessageRow = typeof messages.$inferSelect;

/** The longest message body accepted, in characters of Markdown. */
export const MESSAGE_MAX_LENGTH = 10_000;

/** A fresh id for a local message; messages are Notes, so they share the Notes path. */
export function newMessageIri(origin: string): string {
  return `${origin}/ap/notes/${randomUUID()}`;
}

/** What a person writes to another. */
export interface MessageInput {
  sender: ActorRow;
  recipient: ActorRow;
  body: string;
  /** The id of the message this one answers, if any. */
  inReplyToIri?: string | null | undefined;
}

/** Stores a message written here by a local person; throws a ValidationError on bad input. */
export function sendMessage(db: Db, origin: string, input: MessageInput): MessageRow {
  const body = input.body.trim();
  const errors = [];
  if (!body) errors.push({ field: "body", message: "Enter a message" });
  else if (body.length > MESSAGE_MAX_LENGTH) {
    errors.push({
      field: "body",
      message: `Message must be ${MESSAGE_MAX_LENGTH.toLocaleString("en-GB")} characters or fewer`,
    });
  }
  if (input.recipient.type !== "Person") {
    errors.push({ field: "to", message: "Messages can only be sent to people, not communities" });
  } else if (input.recipient.id === input.sender.id) {
    errors.push({ field: "to", message: "You cannot send a message to yourself" });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  if (!input.sender.isLocal) throw new Error("Only local people send messages from here");
  return db
    .insert(messages)
    .values({
      iri: newMessageIri(origin),
      senderId: input.sender.id,
      recipientId: input.recipient.id,
      bodySource: body,
      bodyHtml: renderMarkdown(body),
      inReplyToIri: input.inReplyToIri ?? null,
      createdAt: new Date(),
    })
    .returning()
    .get();
}

/** What an inbound message carries once its HTML has been cleaned. */
export interface ReceivedMessage {
  iri: string;
  senderId: number;
  recipientId: number;
  /** Already sanitized (cleanHtml with the object's id as base). */
  bodyHtml: string;
  inReplyToIri: string | null;
  createdAt: Date;
}

/** Stores a message that arrived from another server; a redelivery returns the stored copy. */
export function receiveMessage(db: Db, input: ReceivedMessage): MessageRow {
  const existing = findMessageByIri(db, input.iri);
  if (existing) return existing;
  return db
    .insert(messages)
    .values({ ...input, bodySource: null })
    .returning()
    .get();
}

/** Finds a message by its ActivityPub id. */
export function findMessageByIri(db: Db, iri: string): MessageRow | undefined {
  return db.select().from(messages).where(eq(messages.iri, iri)).get();
}

/** Whether someone is the sender or the recipient of a message: nobody else may see it. */
export function isParticipant(message: MessageRow, actorId: number | undefined): boolean {
  return actorId !== undefined && (message.senderId === actorId || message.recipientId === actorId);
}

/** One conversation in a person's list: the other person, the latest message, unread count. */
export interface ConversationSummary {
  other: ActorRow;
  last: MessageRow;
  unread: number;
}

/** Conversations a page of a person's list shows. */
export const CONVERSATIONS_PER_PAGE = 50;

/** How many people a person has exchanged messages with (the length of their list). */
export function countConversations(db: Db, personId: number): number {
  const row = db.get<{ n: number }>(sql`
    SELECT count(DISTINCT CASE WHEN sender_id = ${personId} THEN recipient_id ELSE sender_id END) AS n
    FROM messages
    WHERE sender_id = ${personId} OR recipient_id = ${personId}`);
  return Number(row?.n ?? 0);
}

/**
 * A person's conversations, most recent first, one per other person; with a range, only that
 * slice of the list is read, so a long list is shown a page at a time.
 */
export function listConversations(
  db: Db,
  personId: number,
  range?: { limit: number; offset: number },
): ConversationSummary[] {
  const slice = range ? sql`LIMIT ${range.limit} OFFSET ${range.offset}` : sql``;
  const rows = db.all<{ other_id: number; last_id: number; unread: number }>(sql`
    SELECT other_id, max(id) AS last_id,
           sum(CASE WHEN recipient_id = ${personId} AND read_at IS NULL THEN 1 ELSE 0 END) AS unread
    FROM (
      SELECT CASE WHEN sender_id = ${personId} THEN recipient_id ELSE sender_id END AS other_id,
             id, recipient_id, read_at
      FROM messages
      WHERE sender_id = ${personId} OR recipient_id = ${personId}
    )
    GROUP BY other_id
    ORDER BY last_id DESC
    ${slice}`);
  if (rows.length === 0) return [];
  const others = new Map(
    db
      .select()
      .from(actors)
      .where(
        inArray(
          actors.id,
          rows.map((r) => r.other_id),
        ),
      )
      .all()
      .map((a) => [a.id, a]),
  );
  const lasts = new Map(
    db
      .select()
      .from(messages)
      .where(
        inArray(
          messages.id,
          rows.map((r) => r.last_id),
        ),
      )
      .all()
      .map((m) => [m.id, m]),
  );
  return rows.flatMap((r) => {
    const other = others.get(r.other_id);
    const last = lasts.get(r.last_id);
    return other && last ? [{ other, last, unread: Number(r.unread) }] : [];
  });
}

/** Every message between two people, oldest first. */
export function conversationBetween(db: Db, personId: number, otherId: number): MessageRow[] {
  return db
    .select()
    .from(messages)
    .where(
      or(
        and(eq(messages.senderId, personId), eq(messages.recipientId, otherId)),
        and(eq(messages.senderId, otherId), eq(messages.recipientId, personId)),
      ),
    )
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .all();
}

/** Marks what another person sent to this one as read; returns how many were unread. */
export function markConversationRead(db: Db, personId: number, otherId: number): number {
  return db
    .update(messages)
    .set({ readAt: new Date() })
    .where(
      and(
        eq(messages.recipientId, personId),
        eq(messages.senderId, otherId),
        isNull(messages.readAt),
      ),
    )
    .run().changes;
}

/** How many messages a person has not read yet, for the header. */
export function unreadMessageCount(db: Db, personId: number): number {
  // In the header of every page a person sees, so kept until the database changes.
  return unreadCounts(db, personId, () => {
    const row = db
      .select({ n: sql<number>`count(*)` })
      .from(messages)
      .where(and(eq(messages.recipientId, personId), isNull(messages.readAt)))
      .get();
    return Number(row?.n ?? 0);
  });
}

const unreadCounts = cachedUntilChange<number, number>(5_000);

/** Whether an id is the followers collection of an actor this instance knows. */
export function isKnownFollowersCollection(db: Db, iri: string): boolean {
  return (
    db.select({ id: actors.id }).from(actors).where(eq(actors.followersUrl, iri)).get() !==
    undefined
  );
}
