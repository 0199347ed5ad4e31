import Parser from "rss-parser";
import { expect } from "vitest";
import { newsEntries, newsFeeds, pollOptions, polls } from "../../src/db/schema/index.ts";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { composeEntry } from "../../src/domain/blog.ts";
import type { Community } from "../../src/domain/communities.ts";
import { createDocument } from "../../src/domain/documents.ts";
import { blankEventForm, composeEvent } from "../../src/domain/events/events.ts";
import { composeItem, insertItem, newItemIri } from "../../src/domain/items.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import { addTag } from "../../src/domain/tags.ts";
import { createWikiPage, editWikiPage } from "../../src/domain/wiki/wiki.ts";
import { WebClient } from "./client.ts";
import { startTestInstance, type TestInstance } from "./instances.ts";
import { signedIn } from "./sign-in.ts";

// A small instance's worth of content for the outgoing feed tests: a public garden with
// something in every section (a hostile topic among them) and a private council with Bob as
// its only member besides Alice. Eve is in the garden only.

/** Markup that must never survive into a feed. */
export const HOSTILE =
  'Turn the heap <script>alert("x")</script><img src="x" onerror="alert(2)"> weekly';

/** The people and communities the sample is made of. */
export interface FeedSample {
  alice: AccountWithActor;
  bob: AccountWithActor;
  eve: AccountWithActor;
  garden: Community;
  council: Community;
}

/** Fills an instance with the sample. */
export async function seedFeedSample(copse: TestInstance): Promise<FeedSample> {
  const alice = await copse.createUser("alice", { name: "Alice Adams" });
  const bob = await copse.createUser("bob", { name: "Bob Brown" });
  const eve = await copse.createUser("eve", { name: "Eve Evans" });
  const garden = copse.createCommunity("garden", alice, "public");
  const council = copse.createCommunity("council", alice, "private");
  const { db, origin } = { db: copse.db, origin: copse.origin };
  requestMembership(db, { groupId: council.actor.id, memberId: bob.actor.id });
  decideMembership(db, {
    groupId: council.actor.id,
    memberId: bob.actor.id,
    byActorId: alice.actor.id,
    approve: true,
  });
  requestMembership(db, { groupId: garden.actor.id, memberId: eve.actor.id });

  const rota = composeItem(db, origin, {
    kind: "topic",
    author: alice.actor,
    groups: [garden.actor],
    title: "Composting <b>rota</b>",
    body: HOSTILE,
  });
  const secret = composeItem(db, origin, {
    kind: "topic",
    author: alice.actor,
    groups: [council.actor],
    title: "Budget secrets",
    body: "Only for the council's members: compost money.",
  });
  addTag(db, rota, alice.actor.id, "compost");
  addTag(db, secret, alice.actor.id, "compost");
  composeItem(db, origin, {
    kind: "reply",
    author: bob.actor,
    groups: [council.actor],
    parent: secret,
    body: "Agreed, keep it quiet.",
  });

  composeEntry(db, origin, alice.actor, {
    title: "Spring planting",
    summary: "What went in this year.",
    body: "Leeks and **onions**.",
    groupIds: [garden.actor.id],
    status: "published",
  });
  composeEntry(db, origin, alice.actor, {
    title: "Council away day",
    summary: "",
    body: "Notes for members.",
    groupIds: [council.actor.id],
    status: "published",
  });
  composeEntry(db, origin, alice.actor, {
    title: "Half-written draft",
    summary: "",
    body: "Not yet.",
    groupIds: [],
    status: "draft",
  });

  const { page } = createWikiPage(db, origin, {
    author: alice.actor,
    group: garden.actor,
    title: "Soil guide",
    body: "Loam is best.",
  });
  editWikiPage(db, page, {
    editor: alice.actor,
    title: "Soil guide",
    body: "Loam is best. Clay needs grit.",
    reason: "Added clay advice",
    related: [],
    baseRevision: 1,
  });

  composeEvent(db, origin, {
    author: alice.actor,
    groups: [garden.actor],
    form: {
      ...blankEventForm(),
      title: "Seed swap",
      body: "Bring seeds.",
      start: { day: "14", month: "3", year: "2031", time: "10am" },
      end: { day: "", month: "", year: "", time: "1pm" },
      locationName: "Community hall",
    },
  });

  createDocument(db, origin, {
    author: alice.actor,
    group: garden.actor,
    title: "Planting calendar",
    description: "The whole year on one page.",
    fileName: "calendar.pdf",
    file: { mediaType: "application/pdf", size: 10, sha256: "a".repeat(64), storagePath: "x" },
  });

  // Polls and news are read straight from their tables, so they are set up that way too.
  const poll = insertItem(db, {
    kind: "poll",
    iri: newItemIri(origin, "poll"),
    authorId: alice.actor.id,
    groupIds: [garden.actor.id],
    title: "Which day for the working party?",
    bodyHtml: "",
    visibility: "public",
    isLocal: true,
  });
  db.insert(polls)
    .values({ itemId: poll.id, multiple: false, endsAt: new Date("2031-01-01T12:00:00Z") })
    .run();
  db.insert(pollOptions)
    .values([
      { itemId: poll.id, position: 0, name: "Saturday" },
      { itemId: poll.id, position: 1, name: "Sunday <i>morning</i>" },
    ])
    .run();
  const news = db
    .insert(newsFeeds)
    .values({
      groupId: garden.actor.id,
      url: "https://rhs.example/feed",
      title: "RHS news",
      nextFetchAt: 0,
    })
    .returning()
    .get();
  db.insert(newsEntries)
    .values([
      {
        feedId: news.id,
        guid: "rhs-1",
        link: "https://rhs.example/articles/frost",
        title: "Frost warning",
        summaryHtml: "<p>Protect tender plants.</p>",
        publishedAt: Date.parse("2026-03-01T08:00:00Z"),
        fetchedAt: Date.now(),
      },
      {
        feedId: news.id,
        guid: "rhs-2",
        link: "javascript:alert(1)",
        title: "Odd link",
        summaryHtml: "",
        publishedAt: Date.parse("2026-02-01T08:00:00Z"),
        fetchedAt: Date.now(),
      },
    ])
    .run();
  return { alice, bob, eve, garden, council };
}

const parser = new Parser();

/** Fetches a feed, checks its status and media type, and parses it with rss-parser. */
export async function readFeed(web: WebClient, path: string, headers: Record<string, string> = {}) {
  const { response, body } = await web.get(path, headers);
  expect(response.status, `${path}: ${body.slice(0, 200)}`).toBe(200);
  const type = path.split("?")[0]!.endsWith(".rss") ? "rss" : "atom";
  expect(response.headers.get("content-type")).toBe(`application/${type}+xml; charset=utf-8`);
  return { response, body, parsed: await parser.parseString(body) };
}

/** A running instance filled with the sample, and what its feed tests read it with. */
export interface FeedInstance {
  copse: TestInstance;
  s: FeedSample;
  /** A reader who is not signed in. */
  anon: WebClient;
  /** Signs a person in to the instance's pages. */
  signedIn(handle: string): Promise<WebClient>;
  /** Reads a feed as the anonymous reader (see readFeed). */
  feed(path: string, headers?: Record<string, string>): ReturnType<typeof readFeed>;
  /** The status the anonymous reader gets for a path. */
  status(path: string): Promise<number>;
}

/** Starts an instance and fills it with the sample. */
export async function startFeedSample(name: string): Promise<FeedInstance> {
  const copse = await startTestInstance(name);
  const s = await seedFeedSample(copse);
  const anon = new WebClient(copse.origin);
  return {
    copse,
    s,
    anon,
    signedIn: (handle) => signedIn(copse, handle),
    feed: (path, headers = {}) => readFeed(anon, path, headers),
    status: async (path) => (await anon.get(path)).response.status,
  };
}

/** The titles of a parsed feed's entries, in order. */
export function titles(parsed: Parser.Output<Record<string, unknown>>): (string | undefined)[] {
  return parsed.items.map((i) => i.title);
}
