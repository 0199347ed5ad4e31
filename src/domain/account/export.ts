import { aliasedTable, and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  accountIdentities,
  accounts,
  actors,
  contacts,
  documents,
  itemGroups,
  items,
  memberships,
  messages,
  personProfiles,
  personTags,
  pollOptions,
  pollVotes,
  rsvps,
  wikiRevisions,
} from "../../db/schema/index.ts";
import { PHOTO_SIZES, photoKey } from "../photos.ts";
import type { FileStore } from "../storage/store.ts";
import type { ZipEntry } from "../zip.ts";

// "Download my data": everything a person put into this instance, as JSON files in a ZIP with
// the files they uploaded, so they can keep it or take it elsewhere. Each JSON file is read
// when the archive reaches it and the uploads are streamed from disk, so a large download
// holds little in memory. Other people's words appear only where they are the person's own
// conversation: the messages they sent to and received from others.

/** The JSON written for a list of rows: pretty, with dates as ISO strings. */
function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const group = aliasedTable(actors, "group_actor");
const other = aliasedTable(actors, "other_actor");

/** The profile: account, actor and person details, and their tags. */
function profile(db: Db, accountId: number) {
  const row = db
    .select({ account: accounts, actor: actors })
    .from(accounts)
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(eq(accounts.id, accountId))
    .get();
  if (!row) return undefined;
  const { actor, account } = row;
  const details = db
    .select()
    .from(personProfiles)
    .where(eq(personProfiles.actorId, actor.id))
    .get();
  const tags = db.select().from(personTags).where(eq(personTags.actorId, actor.id)).all();
  return {
    actorId: actor.id,
    handle: actor.handle,
    data: {
      id: actor.iri,
      handle: `@${actor.handle}@${actor.host}`,
      name: actor.name,
      jobTitle: actor.jobTitle,
      organisation: actor.organisation,
      about: actor.summary,
      email: account.email,
      administrator: account.isAdmin,
      createdAt: account.createdAt,
      lastSignInAt: account.lastSignInAt,
      location: details?.location ?? "",
      contactDetails: details
        ? {
            email: { value: details.email, visibleTo: details.emailVisibility },
            phone: { value: details.phone, visibleTo: details.phoneVisibility },
            website: { value: details.website, visibleTo: details.websiteVisibility },
          }
        : null,
      serviceAreas: details?.serviceAreas ? details.serviceAreas.split(",") : [],
      approveContacts: details?.approveContacts ?? false,
      expertise: tags.filter((t) => t.kind === "expertise").map((t) => t.tag),
      interests: tags.filter((t) => t.kind === "interest").map((t) => t.tag),
      // Who at the organisation's identity provider signs in as this account.
      signInIdentities: db
        .select({
          issuer: accountIdentities.issuer,
          subject: accountIdentities.subject,
          email: accountIdentities.email,
          linkedAt: accountIdentities.createdAt,
          lastUsedAt: accountIdentities.lastUsedAt,
        })
        .from(accountIdentities)
        .where(eq(accountIdentities.accountId, account.id))
        .all(),
    },
  };
}

/** Communities the person belongs to, asked to join or was banned from. */
function membershipRows(db: Db, actorId: number) {
  return db
    .select({
      community: group.iri,
      name: group.name,
      state: memberships.state,
      role: memberships.role,
      since: memberships.createdAt,
      decidedAt: memberships.decidedAt,
    })
    .from(memberships)
    .innerJoin(group, eq(memberships.groupId, group.id))
    .where(eq(memberships.memberId, actorId))
    .orderBy(asc(memberships.id))
    .all();
}

/** Contacts, both ways: people the person added, and people who added them. */
function contactRows(db: Db, actorId: number) {
  const side = (mine: boolean) =>
    db
      .select({
        person: other.iri,
        name: other.name,
        state: contacts.state,
        since: contacts.createdAt,
      })
      .from(contacts)
      .innerJoin(other, eq(mine ? contacts.followeeId : contacts.followerId, other.id))
      .where(eq(mine ? contacts.followerId : contacts.followeeId, actorId))
      .all();
  return { yourContacts: side(true), peopleWhoAddedYou: side(false) };
}

/** Which list of posts.json an item belongs in. */
function postKey(kind: string, rootKind: string | null): string {
  if (kind === "reply") return rootKind === "topic" ? "forumReplies" : "comments";
  const keys: Record<string, string> = {
    topic: "forumTopics",
    entry: "blogEntries",
    wiki: "wikiPages",
    event: "events",
    document: "documents",
    poll: "polls",
  };
  return keys[kind] ?? kind;
}

/** Everything the person wrote, by kind, with the communities each went to. */
function posts(db: Db, actorId: number) {
  const rows = db
    .select()
    .from(items)
    .where(and(eq(items.authorId, actorId), isNull(items.deletedAt)))
    .orderBy(asc(items.id))
    .all();
  // The threads' first items and the items answered, for sorting replies and naming parents.
  const linked = [
    ...new Set(rows.flatMap((r) => [r.rootId, r.parentId]).filter((x) => x !== null)),
  ];
  const others = new Map(
    (linked.length
      ? db
          .select({ id: items.id, kind: items.kind, iri: items.iri })
          .from(items)
          .where(inArray(items.id, linked))
          .all()
      : []
    ).map((r) => [r.id, r]),
  );
  const ids = rows.map((r) => r.id);
  const places = ids.length
    ? db
        .select({ itemId: itemGroups.itemId, iri: group.iri })
        .from(itemGroups)
        .innerJoin(group, eq(itemGroups.groupId, group.id))
        .where(inArray(itemGroups.itemId, ids))
        .all()
    : [];
  const out: Record<string, unknown[]> = {};
  for (const item of rows) {
    const rootKind = item.rootId === null ? null : (others.get(item.rootId)?.kind ?? null);
    const parentIri = item.parentId === null ? null : (others.get(item.parentId)?.iri ?? null);
    const key = postKey(item.kind, rootKind);
    const list = out[key] ?? [];
    out[key] = list;
    list.push({
      id: item.iri,
      title: item.title,
      summary: item.summary,
      markdown: item.bodySource,
      html: item.bodyHtml,
      inReplyTo: parentIri,
      communities: places.filter((p) => p.itemId === item.id).map((p) => p.iri),
      visibility: item.visibility,
      status: item.status,
      publishedAt: item.publishedAt,
      updatedAt: item.updatedAt,
      removedByFacilitators: item.removedAt !== null,
    });
  }
  return out;
}

/** Every wiki revision the person wrote. */
function revisions(db: Db, actorId: number) {
  return db
    .select({
      id: wikiRevisions.iri,
      page: items.iri,
      number: wikiRevisions.number,
      title: wikiRevisions.title,
      markdown: wikiRevisions.bodySource,
      html: wikiRevisions.bodyHtml,
      reason: wikiRevisions.reason,
      createdAt: wikiRevisions.createdAt,
    })
    .from(wikiRevisions)
    .innerJoin(items, eq(wikiRevisions.itemId, items.id))
    .where(eq(wikiRevisions.authorId, actorId))
    .orderBy(asc(wikiRevisions.id))
    .all();
}

/** Private messages the person sent or received. */
function messageRows(db: Db, actorId: number) {
  const sender = aliasedTable(actors, "sender");
  const recipient = aliasedTable(actors, "recipient");
  return db
    .select({
      id: messages.iri,
      from: sender.iri,
      to: recipient.iri,
      markdown: messages.bodySource,
      html: messages.bodyHtml,
      sentAt: messages.createdAt,
      readAt: messages.readAt,
    })
    .from(messages)
    .innerJoin(sender, eq(messages.senderId, sender.id))
    .innerJoin(recipient, eq(messages.recipientId, recipient.id))
    .where(or(eq(messages.senderId, actorId), eq(messages.recipientId, actorId)))
    .orderBy(asc(messages.id))
    .all();
}

/** The person's answers to events. */
function rsvpRows(db: Db, actorId: number) {
  return db
    .select({ event: items.iri, title: items.title, answer: rsvps.status, at: rsvps.updatedAt })
    .from(rsvps)
    .innerJoin(items, eq(rsvps.itemId, items.id))
    .where(eq(rsvps.actorId, actorId))
    .orderBy(asc(rsvps.id))
    .all();
}

/** The person's poll votes. */
function voteRows(db: Db, actorId: number) {
  return db
    .select({
      poll: items.iri,
      question: items.title,
      choice: pollOptions.name,
      at: pollVotes.createdAt,
    })
    .from(pollVotes)
    .innerJoin(items, eq(pollVotes.itemId, items.id))
    .innerJoin(pollOptions, eq(pollVotes.optionId, pollOptions.id))
    .where(eq(pollVotes.voterId, actorId))
    .orderBy(asc(pollVotes.id))
    .all();
}

/** A name safe inside the archive: no folders, no control characters. */
function safeName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are removed.
  const cleaned = name.replace(/[\\/\u0000-\u001f\u007f]/g, "_").replace(/^\.+/, "_");
  return cleaned.slice(0, 150) || "file";
}

/** The documents the person uploaded here, with where each sits in the archive. */
async function uploads(db: Db, store: FileStore, actorId: number) {
  const rows = db
    .select({
      itemId: items.id,
      iri: items.iri,
      fileName: documents.fileName,
      path: documents.storagePath,
      at: items.publishedAt,
    })
    .from(documents)
    .innerJoin(items, eq(documents.itemId, items.id))
    .where(and(eq(items.authorId, actorId), eq(items.isLocal, true), isNull(items.deletedAt)))
    .orderBy(asc(items.id))
    .all();
  const found = [];
  for (const r of rows) {
    if (!r.path || !(await store.exists(r.path))) continue;
    found.push({ ...r, path: r.path, archiveName: `files/${r.itemId}-${safeName(r.fileName)}` });
  }
  return found;
}

/** Whether an account exists to export. */
export function canExport(db: Db, accountId: number): boolean {
  return profile(db, accountId) !== undefined;
}

/**
 * The entries of a person's data download, produced one by one as the archive is written:
 * README.txt, profile.json, memberships.json, contacts.json, posts.json, wiki-revisions.json,
 * messages.json, event-replies.json, poll-votes.json, files.json, then the uploads themselves
 * and the profile photo.
 */
export async function* accountExportEntries(
  db: Db,
  store: FileStore,
  accountId: number,
  instanceName: string,
): AsyncGenerator<ZipEntry> {
  const me = profile(db, accountId);
  if (!me) return;
  const id = me.actorId;
  yield {
    name: "README.txt",
    data: [
      `Your data from ${instanceName}, as @${me.handle}, made ${new Date().toISOString()}.`,
      "",
      "profile.json         your profile and account details",
      "memberships.json     the communities you belong to (or asked to join)",
      "contacts.json        your contacts, both ways",
      "posts.json           everything you wrote, by kind",
      "wiki-revisions.json  every wiki revision you made",
      "messages.json        private messages you sent and received",
      "event-replies.json   your answers to events",
      "poll-votes.json      your poll votes",
      "files.json           the documents you uploaded; the files are in files/",
      "",
    ].join("\n"),
  };
  yield { name: "profile.json", data: json(me.data) };
  yield { name: "memberships.json", data: json(membershipRows(db, id)) };
  yield { name: "contacts.json", data: json(contactRows(db, id)) };
  yield { name: "posts.json", data: json(posts(db, id)) };
  yield { name: "wiki-revisions.json", data: json(revisions(db, id)) };
  yield { name: "messages.json", data: json(messageRows(db, id)) };
  yield { name: "event-replies.json", data: json(rsvpRows(db, id)) };
  yield { name: "poll-votes.json", data: json(voteRows(db, id)) };
  const files = await uploads(db, store, id);
  yield {
    name: "files.json",
    data: json(
      files.map((f) => ({ document: f.iri, fileName: f.fileName, inArchive: f.archiveName })),
    ),
  };
  for (const file of files) {
    yield { name: file.archiveName, data: storedChunks(store, file.path), modified: file.at };
  }
  const photo = await store.get(photoKey(me.handle, PHOTO_SIZES[PHOTO_SIZES.length - 1]!));
  if (photo) yield { name: "photo.webp", data: photo };
}

/** A stored file's bytes, opened only when the archive reaches it. */
async function* storedChunks(store: FileStore, key: string): AsyncIterable<Uint8Array> {
  const stream = await store.stream(key);
  if (!stream) throw new Error(`The stored file ${key} went missing while the archive was made`);
  yield* stream;
}
