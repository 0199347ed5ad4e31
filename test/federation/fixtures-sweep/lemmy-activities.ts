import { type Case, PRIVATE_MESSAGE, type Seed } from "./cases.ts";

// The expected outcome of every Lemmy activity fixture; part of ACTIVITY_CASES in
// expectations.ts, kept apart because Lemmy sends by far the most kinds of activity.

const L_ALPHA = "http://ds9.lemmy.ml/u/lemmy_alpha";
const L_BETA = "http://enterprise.lemmy.ml/u/lemmy_beta";
const L_MAIN = "http://enterprise.lemmy.ml/c/main";
const L_POST1 = "http://ds9.lemmy.ml/post/1";
const L_COMMENT1 = "http://ds9.lemmy.ml/comment/1";
const L_TENFORWARD = "https://enterprise.lemmy.ml/c/tenforward";

const LOCK_COMMENT = "Lemmy lock of a comment: Copse locks forum topics only";

const lemmyMain = { communities: [L_MAIN] } satisfies Partial<Case>;
const lemmyThread: Seed[] = [
  { iri: L_POST1, kind: "topic", author: L_ALPHA },
  { iri: L_COMMENT1, kind: "reply", author: L_ALPHA, parent: L_POST1 },
];

/** The expected outcome of every activity fixture under lemmy/. */
export const LEMMY_ACTIVITY_CASES: Record<string, Case> = {
  "lemmy/activities/block/block_user.json": {
    ...lemmyMain,
    members: [{ actor: L_BETA, role: "facilitator" }, L_ALPHA],
    inbox: "group",
    // Its endTime passed in 2021: a ban that has ended bans nobody (refused, logged).
    expect: { outcome: "ignored", reason: "Block: a ban whose endTime has passed is refused" },
  },
  "lemmy/activities/block/undo_block_user.json": {
    ...lemmyMain,
    members: [{ actor: L_BETA, role: "facilitator" }, L_ALPHA],
    inbox: "group",
    expect: { outcome: "ignored", reason: "Undo{Block} of someone not banned changes nothing" },
  },
  "lemmy/activities/community/add_featured_post.json": {
    communities: ["https://ds9.lemmy.ml/c/main"],
    members: [{ actor: "https://ds9.lemmy.ml/u/lemmy_alpha", role: "facilitator" }],
    seed: [{ iri: "https://ds9.lemmy.ml/post/2", kind: "topic", local: true }],
    expect: { outcome: "moderated", item: "https://ds9.lemmy.ml/post/2", pinned: true },
  },
  "lemmy/activities/community/add_mod.json": {
    ...lemmyMain,
    members: [{ actor: L_BETA, role: "facilitator" }, L_ALPHA],
    expect: { outcome: "moderated", member: L_ALPHA, role: "facilitator" },
  },
  "lemmy/activities/community/announce_create_page.json": {
    // A Lemmy community a Copse user belongs to passes on a new post (FEP-1b12).
    remoteGroups: [L_MAIN],
    expect: {
      outcome: "stored",
      item: "http://enterprise.lemmy.ml/post/7",
      kind: "topic",
      title: "post 4",
    },
  },
  "lemmy/activities/community/lock_note.json": {
    communities: ["https://lemmy-alpha/c/test"],
    members: [{ actor: "https://lemmy-alpha/u/lemmy_aplha", role: "facilitator" }],
    seed: [
      { iri: "https://lemmy-alpha/post/1", kind: "topic", local: true },
      {
        iri: "https://lemmy-alpha/comment/1",
        kind: "reply",
        local: true,
        parent: "https://lemmy-alpha/post/1",
      },
    ],
    expect: { outcome: "ignored", reason: LOCK_COMMENT },
  },
  "lemmy/activities/community/lock_page.json": {
    communities: ["http://lemmy-alpha:8541/c/main"],
    members: [{ actor: "http://lemmy-alpha:8541/u/lemmy_alpha", role: "facilitator" }],
    seed: [{ iri: "http://lemmy-alpha:8541/post/2", kind: "topic", local: true }],
    expect: { outcome: "moderated", item: "http://lemmy-alpha:8541/post/2", locked: true },
  },
  "lemmy/activities/community/remove_featured_post.json": {
    communities: ["https://ds9.lemmy.ml/c/main"],
    members: [{ actor: "https://ds9.lemmy.ml/u/lemmy_alpha", role: "facilitator" }],
    seed: [{ iri: "https://ds9.lemmy.ml/post/2", kind: "topic", local: true }],
    expect: { outcome: "ignored", reason: "unpinning a topic that is not pinned changes nothing" },
  },
  "lemmy/activities/community/remove_mod.json": {
    ...lemmyMain,
    members: [
      { actor: L_BETA, role: "facilitator" },
      { actor: L_ALPHA, role: "facilitator" },
    ],
    expect: { outcome: "moderated", member: L_ALPHA, role: "member" },
  },
  "lemmy/activities/community/report_page.json": {
    ...lemmyMain,
    members: [L_ALPHA, L_BETA],
    seed: [{ iri: "http://enterprise.lemmy.ml/post/7", kind: "topic", author: L_BETA }],
    inbox: "group",
    expect: {
      outcome: "reported",
      group: L_MAIN,
      items: ["http://enterprise.lemmy.ml/post/7"],
      reason: "report this post",
    },
  },
  "lemmy/activities/community/resolve_report_page.json": {
    ...lemmyMain,
    members: [{ actor: "http://ds9.lemmy.ml/u/lemmy_user", role: "facilitator" }, L_BETA],
    seed: [{ iri: "http://enterprise.lemmy.ml/post/7", kind: "topic", author: L_BETA }],
    inbox: "group",
    expect: { outcome: "ignored", reason: "Resolve: reports not implemented yet" },
  },
  "lemmy/activities/community/undo_lock_note.json": {
    communities: ["https://lemmy-alpha/c/test"],
    members: [{ actor: "https://lemmy-alpha/u/lemmy_aplha", role: "facilitator" }],
    seed: [
      { iri: "https://lemmy-alpha/post/1", kind: "topic", local: true },
      {
        iri: "https://lemmy-alpha/comment/1",
        kind: "reply",
        local: true,
        parent: "https://lemmy-alpha/post/1",
      },
    ],
    expect: { outcome: "ignored", reason: LOCK_COMMENT },
  },
  "lemmy/activities/community/undo_lock_page.json": {
    communities: ["http://lemmy-alpha:8541/c/main"],
    members: [{ actor: "http://lemmy-alpha:8541/u/lemmy_alpha", role: "facilitator" }],
    seed: [{ iri: "http://lemmy-alpha:8541/post/2", kind: "topic", local: true }],
    expect: {
      outcome: "ignored",
      reason: "Undo{Lock} of a topic that is not locked changes nothing",
    },
  },
  "lemmy/activities/community/update_community.json": {
    // A member of a community hosted here sends a new profile for it: only its home may.
    ...lemmyMain,
    members: [L_ALPHA],
    expect: {
      outcome: "ignored",
      reason:
        "Update{Group} from a member: a community's profile changes only on its home instance",
    },
  },
  "lemmy/activities/community/warn.json": {
    ...lemmyMain,
    localUsers: ["http://voyager.lemmy.ml/u/lemmy_alpha"],
    members: [{ actor: L_BETA, role: "facilitator" }],
    seed: [
      {
        iri: "http://voyager.lemmy.ml/post/1541",
        kind: "topic",
        local: true,
        author: "http://voyager.lemmy.ml/u/lemmy_alpha",
      },
    ],
    inbox: "user",
    expect: { outcome: "ignored", reason: "Lemmy warn: moderation not implemented yet" },
  },
  "lemmy/activities/create_or_update/create_comment.json": {
    ...lemmyMain,
    members: [L_ALPHA],
    seed: [lemmyThread[0]!],
    expect: { outcome: "stored", item: L_COMMENT1, kind: "reply", parent: L_POST1, body: "hello" },
  },
  "lemmy/activities/create_or_update/create_page.json": {
    ...lemmyMain,
    members: [L_ALPHA],
    expect: {
      outcome: "stored",
      item: L_POST1,
      kind: "topic",
      title: "test post",
      body: "test body",
    },
  },
  "lemmy/activities/create_or_update/create_private_message.json": {
    localUsers: [L_ALPHA],
    inbox: "user",
    expect: {
      outcome: "message",
      message: "http://enterprise.lemmy.ml/private_message/1",
      from: "http://enterprise.lemmy.ml/u/lemmy_beta",
      to: L_ALPHA,
      body: "hello",
    },
  },
  // Lemmy 0.19 sends its messages as ChatMessage (from LitePub) instead of Note.
  "lemmy/activities/create_or_update/create_private_message_0.19.json": {
    localUsers: ["https://voyager.lemmy.ml/u/nutomic"],
    inbox: "user",
    expect: {
      outcome: "message",
      message: "https://enterprise.lemmy.ml/private_message/29",
      from: "https://enterprise.lemmy.ml/u/nutomic",
      to: "https://voyager.lemmy.ml/u/nutomic",
      body: "hi!",
    },
  },
  "lemmy/activities/create_or_update/update_page.json": {
    ...lemmyMain,
    members: [L_ALPHA],
    seed: [{ ...lemmyThread[0]!, title: "test post" }],
    expect: { outcome: "updated", item: L_POST1, title: "test post 1", body: "test body" },
  },
  "lemmy/activities/deletion/delete_page.json": {
    ...lemmyMain,
    members: [L_ALPHA],
    seed: [{ ...lemmyThread[0]!, gone: true }],
    expect: { outcome: "tombstoned", item: L_POST1 },
  },
  "lemmy/activities/deletion/delete_private_message.json": {
    expect: { outcome: "ignored", reason: PRIVATE_MESSAGE },
  },
  "lemmy/activities/deletion/delete_user.json": {
    // The person's own server says they deleted their account: their memberships end here
    // (their posts stay until that server deletes each one; see FEDERATION.md).
    ...lemmyMain,
    members: [L_ALPHA],
    seed: [lemmyThread[0]!],
    expect: { outcome: "membership", member: L_ALPHA, group: L_MAIN, state: null },
  },
  "lemmy/activities/deletion/remove_note.json": {
    // A facilitator of the community removes a member's comment: the summary makes it a
    // moderator's removal (hidden, restorable), not a deletion, as Lemmy reads it.
    ...lemmyMain,
    members: [L_ALPHA, { actor: L_BETA, role: "facilitator" }],
    seed: [lemmyThread[0]!, { ...lemmyThread[1]!, gone: true }],
    expect: { outcome: "moderated", item: L_COMMENT1, removed: true },
  },
  "lemmy/activities/deletion/undo_delete_page.json": {
    ...lemmyMain,
    members: [L_ALPHA],
    seed: [{ ...lemmyThread[0]!, deleted: true }],
    expect: {
      outcome: "ignored",
      reason: "Undo{Delete}: restoring deleted content not implemented yet",
    },
  },
  "lemmy/activities/deletion/undo_delete_private_message.json": {
    localUsers: [L_ALPHA],
    inbox: "user",
    expect: { outcome: "ignored", reason: PRIVATE_MESSAGE },
  },
  "lemmy/activities/deletion/undo_remove_note.json": {
    ...lemmyMain,
    members: [L_ALPHA, { actor: L_BETA, role: "facilitator" }],
    seed: [lemmyThread[0]!, { ...lemmyThread[1]!, deleted: true }],
    expect: {
      outcome: "ignored",
      // Restoring works on removed items (test/federation/lemmy-moderator.test.ts); this one
      // was deleted by its author, and a moderator cannot bring that back.
      reason: "Undo{Delete} by a moderator of a deleted comment: there is nothing to restore",
    },
  },
  "lemmy/activities/following/accept.json": {
    pending: {
      member: L_ALPHA,
      group: L_MAIN,
      follow: "http://ds9.lemmy.ml/activities/follow/6abcd50b-b8ca-4952-86b0-a6dd8cc12866",
    },
    inbox: "user",
    expect: { outcome: "membership", member: L_ALPHA, group: L_MAIN, state: "active" },
  },
  "lemmy/activities/following/follow.json": {
    ...lemmyMain,
    inbox: "group",
    expect: { outcome: "membership", member: L_ALPHA, group: L_MAIN, state: "active" },
  },
  "lemmy/activities/following/undo_follow.json": {
    // Lemmy's captured Undo embeds a Follow with another id than the one that made the member.
    ...lemmyMain,
    members: [
      {
        actor: L_ALPHA,
        follow: "http://ds9.lemmy.ml/activities/follow/6abcd50b-b8ca-4952-86b0-a6dd8cc12866",
      },
    ],
    inbox: "group",
    expect: { outcome: "membership", member: L_ALPHA, group: L_MAIN, state: null },
  },
  "lemmy/activities/voting/dislike_page.json": {
    communities: [L_TENFORWARD],
    members: [L_ALPHA, L_BETA],
    seed: [lemmyThread[0]!],
    expect: { outcome: "voted", item: L_POST1, actor: L_BETA, value: -1 },
  },
  "lemmy/activities/voting/like_note.json": {
    communities: [L_TENFORWARD],
    members: [L_ALPHA],
    seed: lemmyThread,
    expect: { outcome: "voted", item: L_COMMENT1, actor: L_ALPHA, value: 1 },
  },
  "lemmy/activities/voting/undo_dislike_page.json": {
    communities: [L_TENFORWARD],
    members: [L_ALPHA, L_BETA],
    seed: [lemmyThread[0]!],
    votes: [
      {
        item: L_POST1,
        actor: L_BETA,
        value: 1,
        activity: "http://enterprise.lemmy.ml/activities/like/2227ab2c-79e2-4fca-a1d2-1d67dacf2457",
      },
    ],
    expect: { outcome: "voted", item: L_POST1, actor: L_BETA, value: null },
  },
  "lemmy/activities/voting/undo_like_note.json": {
    communities: [L_TENFORWARD],
    members: [L_ALPHA],
    seed: lemmyThread,
    votes: [
      {
        item: L_COMMENT1,
        actor: L_ALPHA,
        value: 1,
        activity: "http://ds9.lemmy.ml/activities/like/efcf7ae2-dfcc-4ff4-9ce4-6adf251ff004",
      },
    ],
    expect: { outcome: "voted", item: L_COMMENT1, actor: L_ALPHA, value: null },
  },
};
