// Lemmy's receive rules, as far as its own example payloads show them, written as checks over
// plain JSON. Each rule names the fixture (under ../shared/fixtures/fediverse/lemmy/) that
// shows it; Lemmy's protocol structs (crates/apub/*/protocol) declare the same fields, and
// serde refuses a document that lacks one or gives it another JSON type. The checks are
// tested against those fixtures too (test/federation/lemmy-shapes.test.ts), so a rule that
// Lemmy's own payloads break is caught.

// biome-ignore lint/suspicious/noExplicitAny: documents are arbitrary JSON.
type Json = any;

const isString = (v: unknown) => typeof v === "string";
const isIdOrObject = (v: Json) => isString(v) || (v && typeof v === "object" && isString(v.id));

/** The moderators' activities a Lemmy community announces, as Lemmy names them. */
const MODERATION = ["Delete", "Remove", "Add", "Block", "Lock", "Undo"];

/** Collects problems as "path: what is wrong". */
class Findings {
  readonly problems: string[] = [];
  constructor(private readonly path: string) {}
  need(ok: boolean, what: string): void {
    if (!ok) this.problems.push(`${this.path}: ${what}`);
  }
  /** A required string field. */
  string(doc: Json, field: string): void {
    this.need(isString(doc?.[field]), `${field} must be a string`);
  }
  /** A list field: always an array when present, even with one item; required when `must`. */
  array(doc: Json, field: string, must = false): void {
    const v = doc?.[field];
    if (v === undefined || v === null) this.need(!must, `${field} is missing`);
    else this.need(Array.isArray(v), `${field} must be an array, not ${JSON.stringify(v)}`);
  }
}

/**
 * A post (objects/page.json) or comment (objects/comment.json): `to` is an array; `cc`,
 * `tag` and `attachment` are arrays when present; a post has a `name`, a comment `content`
 * and `inReplyTo`; `attributedTo` is one actor id.
 */
export function postProblems(doc: Json, path = "object"): string[] {
  const f = new Findings(path);
  f.need(
    ["Page", "Article", "Note"].includes(doc?.type),
    `type ${doc?.type} is not Page/Article/Note`,
  );
  f.string(doc, "id");
  f.string(doc, "attributedTo");
  f.array(doc, "to", true);
  for (const field of ["cc", "tag", "attachment"]) f.array(doc, field);
  if (doc?.type === "Note") {
    f.string(doc, "content");
    f.string(doc, "inReplyTo");
  } else f.string(doc, "name");
  if (doc?.audience !== undefined) f.string(doc, "audience");
  return f.problems;
}

/**
 * An activity a community announces (create_or_update/create_page.json, create_comment.json,
 * update_page.json, deletion/delete_page.json): id and actor are strings, `to` and `cc`
 * arrays, `tag` an array when present; a Create or Update embeds its post, a Delete names
 * it (by id or as a Tombstone).
 */
export function activityProblems(doc: Json, path = "activity"): string[] {
  const f = new Findings(path);
  f.string(doc, "id");
  f.string(doc, "actor");
  f.array(doc, "to", true);
  f.array(doc, "cc", true);
  f.array(doc, "tag");
  if (doc?.type === "Create" || doc?.type === "Update") {
    f.need(doc.object && typeof doc.object === "object", "object must be embedded");
    return [...f.problems, ...postProblems(doc.object, `${path}.object`)];
  }
  // Moderators' activities (crates/apub/activities/src/protocol: deletion, community, block).
  f.need(MODERATION.includes(doc?.type), `type ${doc?.type} is not expected`);
  f.need(isIdOrObject(doc?.object), "object must be an id or an object with an id");
  if (["Add", "Remove", "Block"].includes(doc?.type)) f.string(doc, "target");
  if (doc?.type === "Undo" && f.problems.length === 0) {
    f.need(typeof doc.object === "object", "an Undo must embed what it undoes");
    return [...f.problems, ...activityProblems(doc.object, `${path}.object`)];
  }
  return f.problems;
}

/**
 * A vote (voting/like_note.json, dislike_page.json; Lemmy's struct is Vote in
 * crates/apub/activities/src/protocol/voting/vote.rs): `type` Like or Dislike, `id` and
 * `actor` strings, and `object` the post's or comment's id as a string, never embedded. Its
 * Undo (undo_like_note.json; undo_vote.rs, UndoVote) embeds the vote itself.
 */
export function voteProblems(doc: Json, path = "vote"): string[] {
  const f = new Findings(path);
  f.string(doc, "id");
  f.string(doc, "actor");
  if (doc?.type === "Undo") {
    f.need(doc.object && typeof doc.object === "object", "object must be the embedded vote");
    return [...f.problems, ...voteProblems(doc.object, `${path}.object`)];
  }
  f.need(["Like", "Dislike"].includes(doc?.type), `type ${doc?.type} is not Like/Dislike`);
  f.string(doc, "object");
  if (doc?.audience !== undefined) f.string(doc, "audience");
  return f.problems;
}

/**
 * A community's Announce (community/announce_create_page.json): id and actor strings, `to`
 * an array, `cc` an array when present, and the object an embedded activity. Lemmy refuses an
 * announced bare post (CannotReceivePage).
 */
export function announceProblems(doc: Json, path = "announce"): string[] {
  const f = new Findings(path);
  f.need(doc?.type === "Announce", `type ${doc?.type} is not Announce`);
  f.string(doc, "id");
  f.string(doc, "actor");
  f.array(doc, "to", true);
  f.array(doc, "cc");
  const inner = doc?.object;
  const votes = ["Like", "Dislike", "Undo"];
  f.need(
    inner &&
      typeof inner === "object" &&
      ["Create", "Update", ...MODERATION, ...votes].includes(inner.type),
    `object must be an embedded activity, not ${JSON.stringify(inner?.type ?? inner)}`,
  );
  if (f.problems.length > 0) return f.problems;
  // Announced votes, as Lemmy's communities send them (AnnouncableActivities::Vote/UndoVote).
  // An Undo is a vote's when it undoes one; otherwise a moderator's (Undo{Lock}, Undo{Delete}...).
  const isVote = (doc: Json) => ["Like", "Dislike"].includes(doc?.type);
  if (isVote(inner) || (inner.type === "Undo" && isVote(inner.object))) {
    return voteProblems(inner, `${path}.object`);
  }
  return activityProblems(inner, `${path}.object`);
}

/**
 * A community (objects/group.json): id, preferredUsername, inbox, followers and outbox are
 * strings, `attributedTo` names the moderators collection, the key is a publicKey with id,
 * owner and publicKeyPem, and `postingRestrictedToMods`, when present, is a boolean.
 */
export function groupProblems(doc: Json): string[] {
  const f = new Findings("group");
  f.need(doc?.type === "Group", `type ${doc?.type} is not Group`);
  for (const field of ["id", "preferredUsername", "inbox", "followers", "outbox", "attributedTo"]) {
    f.string(doc, field);
  }
  f.need(
    isString(doc?.publicKey?.id) &&
      isString(doc?.publicKey?.owner) &&
      isString(doc?.publicKey?.publicKeyPem),
    "publicKey must have id, owner and publicKeyPem",
  );
  // Lemmy reads it as Option<bool>: absent, or a boolean.
  f.need(
    doc?.postingRestrictedToMods === undefined || typeof doc.postingRestrictedToMods === "boolean",
    "postingRestrictedToMods must be a boolean",
  );
  return f.problems;
}

/**
 * A community's followers (collections/group_followers.json): a `Collection` with a numeric
 * `totalItems` and an `items` array that Lemmy reads as a list of nothing (`Vec<()>`), so it
 * must be empty.
 */
export function followersProblems(doc: Json): string[] {
  const f = new Findings("followers");
  f.need(doc?.type === "Collection", `type ${doc?.type} is not Collection`);
  f.string(doc, "id");
  f.need(typeof doc?.totalItems === "number", "totalItems must be a number");
  f.need(Array.isArray(doc?.items) && doc.items.length === 0, "items must be an empty array");
  return f.problems;
}

/**
 * A community's outbox (collections/group_outbox.json): an `OrderedCollection` with a numeric
 * `totalItems` and an `orderedItems` array (even when empty) of Announces of activities.
 */
export function outboxProblems(doc: Json): string[] {
  const f = new Findings("outbox");
  f.need(doc?.type === "OrderedCollection", `type ${doc?.type} is not OrderedCollection`);
  f.string(doc, "id");
  f.need(typeof doc?.totalItems === "number", "totalItems must be a number");
  f.array(doc, "orderedItems", true);
  const items: Json[] = Array.isArray(doc?.orderedItems) ? doc.orderedItems : [];
  return [...f.problems, ...items.flatMap((a, i) => announceProblems(a, `outbox[${i}]`))];
}
