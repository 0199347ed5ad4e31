import type { Case, ObjectOutcome, Seed } from "./cases.ts";
import { LEMMY_ACTIVITY_CASES } from "./lemmy-activities.ts";

// ---------------------------------------------------------------------------------------------
// The expected outcome of every activity fixture.
// ---------------------------------------------------------------------------------------------

const F_HELUECHT = "https://pirati.ca/profile/heluecht";
const F_TESTCOM = "https://ds9.lemmy.ml/c/testcom";
const F_POST = "https://pirati.ca/objects/ec054ce7-2062-3bfa-8687-ca8313624820";
const F_COMMENT = "https://pirati.ca/objects/ec054ce7-4762-3c1c-3c25-0cc665717210";
const M_FELIX = "https://mastodon.madrid/users/felix";
const M_ASONIX = "https://masto.asonix.dog/users/asonix";

const friendicaThread: Seed[] = [
  { iri: F_POST, kind: "topic", author: F_HELUECHT },
  { iri: F_COMMENT, kind: "reply", author: F_HELUECHT, parent: F_POST },
];

/** The expected outcome of every activity fixture, by its path under the fixtures folder. */
export const ACTIVITY_CASES: Record<string, Case> = {
  "friendica/activities/create_note.json": {
    // A Friendica comment on a topic of a community hosted here (the topic lives where the
    // group lives), also mentioning a person of ours.
    communities: ["https://lemmy.schuerz.at/c/test"],
    localUsers: ["https://lemmy.schuerz.at/u/jakob"],
    members: ["https://soc.schuerz.at/profile/jakob"],
    seed: [{ iri: "https://lemmy.schuerz.at/post/25360", kind: "topic", local: true }],
    expect: {
      outcome: "stored",
      item: "https://soc.schuerz.at/objects/4edd2508-4361-edb8-c4d8-b45181083984",
      kind: "reply",
      parent: "https://lemmy.schuerz.at/post/25360",
      body: "test",
    },
  },
  "friendica/activities/create_page_1.json": {
    // Really Mastodon's: a Note that mentions the group starts a topic titled by its first line.
    communities: ["https://lemmy.qa.urbanwildlife.biz/c/lemmy_community"],
    members: ["https://masto.qa.urbanwildlife.biz/users/mastodon"],
    expect: {
      outcome: "stored",
      item: "https://masto.qa.urbanwildlife.biz/users/mastodon/statuses/110435994705014161",
      kind: "topic",
      title: "Test post to community",
      body: "Test post to community",
    },
  },
  "friendica/activities/create_page_2.json": {
    communities: [F_TESTCOM],
    members: [F_HELUECHT],
    expect: {
      outcome: "stored",
      item: "https://pirati.ca/objects/ec054ce7-5162-3bf2-504c-16d024994850",
      kind: "entry",
      title: "From Friendica to Lemmy",
      body: "Hello Lemmy!",
    },
  },
  "friendica/activities/delete.json": {
    communities: [F_TESTCOM],
    members: [F_HELUECHT],
    seed: [friendicaThread[0]!, { ...friendicaThread[1]!, gone: true }],
    expect: { outcome: "tombstoned", item: F_COMMENT },
  },
  "friendica/activities/dislike_page.json": {
    communities: [F_TESTCOM],
    members: [F_HELUECHT],
    seed: [friendicaThread[0]!],
    expect: { outcome: "voted", item: F_POST, actor: F_HELUECHT, value: -1 },
  },
  "friendica/activities/like_page.json": {
    communities: [F_TESTCOM],
    members: [F_HELUECHT],
    seed: [friendicaThread[0]!],
    expect: { outcome: "voted", item: F_POST, actor: F_HELUECHT, value: 1 },
  },
  "friendica/activities/undo_dislike_page.json": {
    communities: [F_TESTCOM],
    members: [F_HELUECHT],
    seed: [friendicaThread[0]!],
    votes: [
      {
        item: F_POST,
        actor: F_HELUECHT,
        value: -1,
        activity: "https://pirati.ca/objects/ec054ce7-5762-3ce2-b3e4-87e268433367",
      },
    ],
    expect: { outcome: "voted", item: F_POST, actor: F_HELUECHT, value: null },
  },
  "friendica/activities/update_note.json": {
    communities: [F_TESTCOM],
    members: [F_HELUECHT],
    seed: friendicaThread,
    expect: { outcome: "updated", item: F_COMMENT, body: "This is an edited comment." },
  },
  ...LEMMY_ACTIVITY_CASES,
  "mastodon/activities/create_note.json": {
    // An ordinary Mastodon reply between two strangers, reaching Copse's shared inbox.
    expect: {
      outcome: "ignored",
      reason: "a reply to a post Copse does not hold, addressed to no community",
    },
  },
  "mastodon/activities/delete.json": {
    communities: [F_TESTCOM],
    members: [M_FELIX],
    seed: [
      {
        iri: "https://mastodon.madrid/users/felix/statuses/107773559874184870",
        kind: "topic",
        author: M_FELIX,
        gone: true,
      },
    ],
    expect: {
      outcome: "tombstoned",
      item: "https://mastodon.madrid/users/felix/statuses/107773559874184870",
    },
  },
  "mastodon/activities/flag.json": {
    // Another server reports one of our people and two of their posts.
    communities: ["https://example.com/c/flagged"],
    localUsers: ["https://example.com/users/1"],
    seed: [
      {
        iri: "https://example.com/posts/380590",
        kind: "topic",
        local: true,
        author: "https://example.com/users/1",
      },
      {
        iri: "https://example.com/posts/380591",
        kind: "topic",
        local: true,
        author: "https://example.com/users/1",
      },
    ],
    expect: {
      outcome: "reported",
      group: "https://example.com/c/flagged",
      items: ["https://example.com/posts/380590", "https://example.com/posts/380591"],
      reason: "Please take a look at this user and their posts",
    },
  },
  "mastodon/activities/follow.json": {
    communities: [F_TESTCOM],
    inbox: "group",
    expect: { outcome: "membership", member: M_ASONIX, group: F_TESTCOM, state: "active" },
  },
  "mastodon/activities/like_page.json": {
    communities: [F_TESTCOM],
    members: [M_FELIX],
    seed: [{ iri: "https://ds9.lemmy.ml/post/147", kind: "topic", local: true }],
    // A Mastodon favourite counts as an up-vote.
    expect: { outcome: "voted", item: "https://ds9.lemmy.ml/post/147", actor: M_FELIX, value: 1 },
  },
  "mastodon/activities/private_message.json": {
    wrap: true,
    localUsers: ["https://ds9.lemmy.ml/u/nutomic"],
    inbox: "user",
    expect: {
      outcome: "message",
      message: "https://mastodon.world/users/nutomic/statuses/110854468010322301",
      from: "https://mastodon.world/users/nutomic",
      to: "https://ds9.lemmy.ml/u/nutomic",
      body: "444",
    },
  },
  "mastodon/activities/undo_follow.json": {
    communities: [F_TESTCOM],
    members: [
      { actor: M_ASONIX, follow: "https://masto.asonix.dog/1ea87517-63c5-4118-8831-460ee641b2cf" },
    ],
    expect: { outcome: "membership", member: M_ASONIX, group: F_TESTCOM, state: null },
  },
  "mastodon/activities/undo_like_page.json": {
    communities: [F_TESTCOM],
    members: [M_FELIX],
    seed: [{ iri: "https://ds9.lemmy.ml/post/147", kind: "topic", local: true }],
    votes: [
      {
        item: "https://ds9.lemmy.ml/post/147",
        actor: M_FELIX,
        value: 1,
        activity: "https://mastodon.madrid/users/felix#likes/212341",
      },
    ],
    expect: {
      outcome: "voted",
      item: "https://ds9.lemmy.ml/post/147",
      actor: M_FELIX,
      value: null,
    },
  },
  "mbin/activities/accept.json": {
    pending: {
      member: "https://some-other.instance/u/someUser",
      group: "https://some-mbin.instance/m/someMag",
      follow: "https://some-other.instance/f/object/c51ea652-e594-4920-a989-f5350f0cec05",
    },
    inbox: "user",
    expect: {
      outcome: "membership",
      member: "https://some-other.instance/u/someUser",
      group: "https://some-mbin.instance/m/someMag",
      state: "active",
    },
  },
  "mbin/activities/flag.json": {
    communities: ["https://lemmy-test/c/test_mag"],
    localUsers: ["https://lemmy-test/u/BentiGorlich"],
    seed: [
      {
        iri: "https://lemmy-test/post/4",
        kind: "topic",
        local: true,
        author: "https://lemmy-test/u/BentiGorlich",
      },
    ],
    inbox: "group",
    expect: {
      outcome: "reported",
      group: "https://lemmy-test/c/test_mag",
      items: ["https://lemmy-test/post/4"],
      reason: "dikjhgasdpas",
    },
  },
  "peertube/activities/announce_video.json": {
    remoteGroups: ["https://tilvids.com/video-channels/thelinuxexperiment_channel"],
    serve: ["peertube/objects/video.json"],
    expect: { outcome: "ignored", reason: "Video: PeerTube videos are not content Copse keeps" },
  },
  "wordpress/activities/announce.json": {
    // The blog actor announces its author's edit of a post Copse already holds.
    remoteGroups: ["https://pfefferle.org/@pfefferle.org"],
    seed: [
      {
        iri: "https://pfefferle.org/lemmy-part-4/",
        kind: "entry",
        author: "https://pfefferle.org/author/pfefferle/",
        title: "Lemmy (Part 4)",
      },
    ],
    expect: {
      outcome: "updated",
      item: "https://pfefferle.org/lemmy-part-4/",
      body: "Identifies one or more entities",
      title: "Lemmy (Part 4)",
    },
  },
};

// ---------------------------------------------------------------------------------------------
// The expected outcome of every object fixture, wrapped in a Create to a community.
// ---------------------------------------------------------------------------------------------

/**
 * Actor documents Copse cannot use (the test says what must work and is expected to fail).
 * Discourse's actors, which carry no security context, were here until the document loader
 * learned to add it (src/federation/outbound/security-context.ts).
 */
export const ACTOR_BUGS: Record<string, string> = {};

const NOT_CONTENT = "not content Copse keeps";
/** The expected outcome of every object fixture, by its path under the fixtures folder. */
export const OBJECT_CASES: Record<string, ObjectOutcome & { bug?: string }> = {
  "discourse/objects/group.json": { outcome: "ignored", reason: `Group: ${NOT_CONTENT}` },
  "discourse/objects/page.json": { outcome: "stored", kind: "topic", title: "Our next meeting" },
  "discourse/objects/person.json": { outcome: "ignored", reason: `Person: ${NOT_CONTENT}` },
  "friendica/objects/note_1.json": { outcome: "stored", kind: "reply" },
  "friendica/objects/note_2.json": { outcome: "stored", kind: "reply" },
  "friendica/objects/page_1.json": {
    outcome: "stored",
    kind: "topic",
    title: "ISS astronauts perform final spacewalk of Expedition 66",
  },
  "friendica/objects/page_2.json": {
    outcome: "stored",
    kind: "entry",
    title: "From Friendica to Lemmy",
  },
  "friendica/objects/person_1.json": { outcome: "ignored", reason: `Person: ${NOT_CONTENT}` },
  "friendica/objects/person_2.json": {
    outcome: "ignored",
    reason: `Organization: ${NOT_CONTENT}`,
  },
  "lemmy/objects/comment.json": { outcome: "stored", kind: "reply" },
  "lemmy/objects/group.json": { outcome: "ignored", reason: `Group: ${NOT_CONTENT}` },
  "lemmy/objects/instance.json": { outcome: "ignored", reason: `Application: ${NOT_CONTENT}` },
  "lemmy/objects/page.json": { outcome: "stored", kind: "topic", title: "Post title" },
  "lemmy/objects/page_image_and_link.json": {
    outcome: "stored",
    kind: "topic",
    title: "Post with image and link",
    // Lemmy 0.19 sends a link post's link as `attachment: [{type: "Link", href}]` (and its
    // picture as an Image attachment and `image`), never in `url` or `content`; the link is
    // kept beside the post (src/federation/vocab/media.ts).
    keeps: "example.com/some-article",
  },
  "lemmy/objects/person.json": { outcome: "ignored", reason: `Person: ${NOT_CONTENT}` },
  // Addressed to the community by the wrapping, a private message is just a members-only post.
  "lemmy/objects/private_message.json": {
    outcome: "stored",
    kind: "topic",
    title: "Hello hello, testing",
  },
  "lemmy/objects/tombstone.json": { outcome: "ignored", reason: `Tombstone: ${NOT_CONTENT}` },
  "mastodon/objects/note_1.json": { outcome: "stored", kind: "reply" },
  "mastodon/objects/note_2.json": { outcome: "stored", kind: "reply" },
  // A Note mentioning the group: the leading mention is not part of the title.
  "mastodon/objects/page.json": {
    outcome: "stored",
    kind: "topic",
    title: "Variable never resetting at refresh",
  },
  "mastodon/objects/person.json": { outcome: "ignored", reason: `Person: ${NOT_CONTENT}` },
  "mbin/objects/instance.json": { outcome: "ignored", reason: `Application: ${NOT_CONTENT}` },
  "nodebb/objects/group.json": { outcome: "ignored", reason: `Group: ${NOT_CONTENT}` },
  // NodeBB's Article names its own category as `audience`; wrapped here in a Create to a
  // community it was not posted in, it is taken as a blog post mentioning the community. In
  // a category that is a Copse community it is a forum topic (threadiverse-fixtures.test.ts).
  "nodebb/objects/page.json": {
    outcome: "stored",
    kind: "entry",
    title: "Welcome to your NodeBB!",
  },
  "nodebb/objects/person.json": { outcome: "ignored", reason: `Person: ${NOT_CONTENT}` },
  "peertube/objects/group.json": { outcome: "ignored", reason: `Group: ${NOT_CONTENT}` },
  "peertube/objects/note.json": { outcome: "stored", kind: "reply" },
  "peertube/objects/person.json": { outcome: "ignored", reason: `Person: ${NOT_CONTENT}` },
  "peertube/objects/video.json": { outcome: "ignored", reason: `Video: ${NOT_CONTENT}` },
  "wordpress/objects/group.json": { outcome: "ignored", reason: `Group: ${NOT_CONTENT}` },
  "wordpress/objects/note.json": { outcome: "stored", kind: "reply" },
  "wordpress/objects/page.json": {
    outcome: "stored",
    kind: "entry",
    title: "An Epic 3D-Printed Fan Expansion for Last Light",
  },
  "wordpress/objects/person.json": { outcome: "ignored", reason: `Person: ${NOT_CONTENT}` },
};
