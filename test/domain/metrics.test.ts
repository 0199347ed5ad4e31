import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, items, memberships, wikiRevisions } from "../../src/db/schema/index.ts";
import { type ActorRow, insertLocalActor, upsertRemoteActor } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { type ItemKind, type ItemRow, insertItem } from "../../src/domain/items.ts";
import { csvCell, toCsv } from "../../src/domain/metrics/csv.ts";
import { communityCsvRows, instanceCsvRows } from "../../src/domain/metrics/export.ts";
import { instanceTotals } from "../../src/domain/metrics/instance.ts";
import { memberCounts } from "../../src/domain/metrics/members.ts";
import { participation } from "../../src/domain/metrics/participation.ts";
import { postsPerWeek, weekStart } from "../../src/domain/metrics/posts.ts";
import { communityMetrics, instanceMetrics } from "../../src/domain/metrics/report.ts";
import { forumResponses, median } from "../../src/domain/metrics/responses.ts";
import { communityScope, INSTANCE_SCOPE } from "../../src/domain/metrics/scope.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Wednesday 18 November 2026, 12:00 UTC: the current week began on Monday 16 November. */
const NOW = Date.UTC(2026, 10, 18, 12);

/**
 * A small, fully known world: "garden" (public) with three local and three remote members
 * (plus a pending request), and "vault" (private) with alice and zed. Every post is placed at
 * a known time before NOW so each figure can be worked out by hand.
 */
function seed() {
  const db = freshDb();
  let serial = 0;
  const local = (handle: string) =>
    insertLocalActor(db, ORIGIN, {
      type: "Person",
      handle,
      name: handle,
      url: `${ORIGIN}/people/${handle}`,
    });
  const remote = (handle: string, host: string, type: ActorRow["type"] = "Person") =>
    upsertRemoteActor(db, {
      iri: `https://${host}/users/${handle}`,
      type,
      handle,
      host,
      name: handle,
      summary: "",
      url: null,
      inboxUrl: `https://${host}/users/${handle}/inbox`,
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
  const alice = local("alice");
  const bob = local("bob");
  const carol = local("carol");
  const gina = local("gina");
  const zed = local("zed");
  const dan = remote("dan", "mastodon.example");
  const erin = remote("erin", "mastodon.example");
  const finn = remote("finn", "lemmy.example");
  remote("allotments", "other.example", "Group");
  for (const person of [alice, bob, carol]) {
    db.insert(accounts)
      .values({ actorId: person.id, email: `${person.handle}@e.org`, passwordHash: "unused" })
      .run();
  }
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle[0]!.toUpperCase() + handle.slice(1),
      description: "",
      visibility,
      ownerActorId: alice.id,
    }).actor;
  const garden = community("garden", "public");
  const vault = community("vault", "private");
  const join = (group: ActorRow, member: ActorRow, state: "active" | "pending" = "active") =>
    db.insert(memberships).values({ groupId: group.id, memberId: member.id, state }).run();
  for (const member of [bob, carol, dan, erin, finn]) join(garden, member);
  join(garden, gina, "pending");
  join(vault, zed);

  const post = (
    kind: ItemKind,
    author: ActorRow,
    groups: ActorRow[],
    at: number,
    options: { parent?: ItemRow; draft?: boolean; deleted?: boolean } = {},
  ): ItemRow => {
    const row = insertItem(db, {
      kind,
      iri: `${ORIGIN}/ap/items/${++serial}`,
      authorId: author.id,
      groupIds: groups.map((g) => g.id),
      parentId: options.parent?.id ?? null,
      title: kind === "reply" ? "" : `A ${kind}`,
      bodyHtml: "<p>Text</p>",
      visibility: "public",
      isLocal: author.isLocal,
      status: options.draft ? "draft" : "published",
      publishedAt: new Date(at),
    });
    if (options.deleted) {
      db.update(items)
        .set({ deletedAt: new Date(at) })
        .where(eq(items.id, row.id))
        .run();
    }
    return row;
  };
  const revise = (page: ItemRow, author: ActorRow, number: number, at: number) =>
    db
      .insert(wikiRevisions)
      .values({
        itemId: page.id,
        number,
        title: page.title,
        bodyHtml: "<p>Text</p>",
        reason: "Edited",
        authorId: author.id,
        createdAt: new Date(at),
        iri: `${page.iri}/revisions/${number}`,
      })
      .run();

  // Forum: T1 gets a follow-up from its author, then a reply from carol two hours in.
  const t1 = post("topic", bob, [garden], NOW - 10 * DAY);
  post("reply", bob, [garden], NOW - 10 * DAY + HOUR, { parent: t1 });
  post("reply", carol, [garden], NOW - 10 * DAY + 2 * HOUR, { parent: t1 });
  // T2 is answered by a remote member after four hours.
  const t2 = post("topic", alice, [garden], NOW - 20 * DAY);
  post("reply", dan, [garden], NOW - 20 * DAY + 4 * HOUR, { parent: t2 });
  // T3 only has its author's own follow-up: unanswered.
  const t3 = post("topic", carol, [garden], NOW - 5 * DAY);
  post("reply", carol, [garden], NOW - 5 * DAY + HOUR, { parent: t3 });
  // T4 is older than both the 90-day window and the twelve weeks.
  const t4 = post("topic", bob, [garden], NOW - 100 * DAY);
  post("reply", alice, [garden], NOW - 99 * DAY, { parent: t4 });
  // A deleted topic and a draft entry count nowhere.
  post("topic", erin, [garden], NOW - 3 * DAY, { deleted: true });
  post("entry", carol, [garden], NOW - DAY, { draft: true });
  // Blog: erin's entry with finn's comment, and a comment from zed, who is not a member.
  const entry = post("entry", erin, [garden], NOW - 40 * DAY);
  post("reply", finn, [garden], NOW - 40 * DAY + HOUR, { parent: entry });
  post("reply", zed, [garden], NOW - 5 * DAY, { parent: entry });
  // An entry published into both communities.
  post("entry", alice, [garden, vault], NOW - DAY);
  // Wiki: alice starts a page (revision 1), finn edits it (revision 2).
  const page = post("wiki", alice, [garden], NOW - 2 * DAY);
  revise(page, alice, 1, NOW - 2 * DAY);
  revise(page, finn, 2, NOW - DAY);
  post("event", dan, [garden], NOW - 60 * DAY);
  post("document", carol, [garden], NOW - 15 * DAY);
  post("poll", alice, [garden], NOW - DAY);
  // Vault's only topic, by zed.
  post("topic", zed, [vault], NOW - DAY);
  return { db, alice, garden, vault };
}

describe("community metrics", () => {
  it("counts active members, local and remote, and remote ones by instance", () => {
    const { db, garden } = seed();
    expect(memberCounts(db, communityScope(garden.id))).toEqual({
      total: 6,
      local: 3,
      remote: 3,
      byHost: [
        { host: "mastodon.example", members: 2 },
        { host: "lemmy.example", members: 1 },
      ],
    });
  });

  it("buckets posts per section into twelve Monday-to-Sunday weeks", () => {
    const { db, garden } = seed();
    const weeks = postsPerWeek(db, communityScope(garden.id), NOW);
    expect(weeks).toHaveLength(12);
    expect(weeks[0]!.start.toISOString()).toBe("2026-08-31T00:00:00.000Z");
    expect(weeks[11]!.start.toISOString()).toBe("2026-11-16T00:00:00.000Z");
    const nonEmpty = Object.fromEntries(
      weeks
        .map((w) => [
          w.start.toISOString().slice(0, 10),
          Object.fromEntries(Object.entries(w.bySection).filter(([, n]) => n > 0)),
        ])
        .filter(([, sections]) => Object.keys(sections as object).length > 0),
    );
    expect(nonEmpty).toEqual({
      "2026-09-14": { events: 1 },
      "2026-10-05": { blog: 2 },
      "2026-10-26": { forum: 2 },
      "2026-11-02": { forum: 3, documents: 1 },
      "2026-11-09": { forum: 2, blog: 1 },
      "2026-11-16": { blog: 1, wiki: 2, polls: 1 },
    });
    expect(weeks[11]!.total).toBe(4);
    // That week alice wrote the entry, the page and the poll, and finn edited the page.
    expect(weeks[11]!.authors).toBe(2);
    expect(weeks[9]!.authors).toBe(2);
  });

  it("splits members into creators, contributors and readers over 30 and 90 days", () => {
    const { db, garden } = seed();
    const scope = communityScope(garden.id);
    // 30 days: alice, bob and carol started things; dan and finn only replied or edited; erin
    // (whose only recent post was deleted) read. zed's comment counts nowhere: not a member.
    expect(participation(db, scope, NOW, 30)).toEqual({
      days: 30,
      members: 6,
      creators: 3,
      contributors: 2,
      readers: 1,
    });
    // 90 days adds erin's entry and dan's event, which make both of them creators.
    expect(participation(db, scope, NOW, 90)).toEqual({
      days: 90,
      members: 6,
      creators: 5,
      contributors: 1,
      readers: 0,
    });
  });

  it("measures the forum's response rate and median time to first reply", () => {
    const { db, garden } = seed();
    expect(forumResponses(db, communityScope(garden.id), NOW, 90)).toEqual({
      days: 90,
      topics: 3,
      answered: 2,
      medianFirstReplyMs: 3 * HOUR,
    });
    expect(forumResponses(db, communityScope(garden.id), NOW, 7)).toEqual({
      days: 7,
      topics: 1,
      answered: 0,
      medianFirstReplyMs: null,
    });
  });

  it("takes the median of odd and even counts", () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([1, 2, 10])).toBe(2);
    expect(median([1, 2, 4, 10])).toBe(3);
  });

  it("starts weeks on Monday at midnight UTC", () => {
    expect(new Date(weekStart(NOW)).toISOString()).toBe("2026-11-16T00:00:00.000Z");
    expect(new Date(weekStart(Date.UTC(2026, 10, 22, 23, 59))).toISOString()).toBe(
      "2026-11-16T00:00:00.000Z",
    );
    expect(new Date(weekStart(Date.UTC(2026, 10, 23))).toISOString()).toBe(
      "2026-11-23T00:00:00.000Z",
    );
  });
});

describe("instance metrics", () => {
  it("counts each person and each post once across communities", () => {
    const { db } = seed();
    const members = memberCounts(db, INSTANCE_SCOPE);
    // alice belongs to both communities; zed only to vault.
    expect(members).toMatchObject({ total: 7, local: 4, remote: 3 });
    const weeks = postsPerWeek(db, INSTANCE_SCOPE, NOW);
    // The entry published into both communities is one post; vault adds zed's topic.
    expect(weeks[11]!.bySection).toMatchObject({ blog: 1, forum: 1, wiki: 2, polls: 1 });
    expect(forumResponses(db, INSTANCE_SCOPE, NOW, 90)).toMatchObject({ topics: 4, answered: 2 });
    expect(participation(db, INSTANCE_SCOPE, NOW, 30)).toEqual({
      days: 30,
      members: 7,
      creators: 4,
      contributors: 2,
      readers: 1,
    });
  });

  it("totals accounts, remote actors and known instances, with a row per community", () => {
    const { db } = seed();
    expect(instanceTotals(db)).toEqual({
      localAccounts: 3,
      localCommunities: 2,
      remoteActors: 4,
      knownInstances: 3,
    });
    const report = instanceMetrics(db, NOW);
    expect(report.communities).toEqual([
      {
        handle: "garden",
        name: "Garden",
        visibility: "public",
        stage: "start-up",
        members: 6,
        recentPosts: 13,
      },
      {
        handle: "vault",
        name: "Vault",
        visibility: "private",
        stage: "start-up",
        members: 2,
        recentPosts: 2,
      },
    ]);
  });
});

describe("metrics CSV", () => {
  it("quotes fields as RFC 4180 says and ends lines with CRLF", () => {
    expect(toCsv([["a", "b,c", 'say "hi"', "two\nlines", 3]])).toBe(
      'a,"b,c","say ""hi""","two\nlines",3\r\n',
    );
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell("\rcmd")).toBe('"\'\rcmd"');
    expect(csvCell("Garden = good")).toBe("Garden = good");
    expect(csvCell(42)).toBe("42");
  });

  it("exports every figure of a community, and guards community names", () => {
    const { db, alice, garden } = seed();
    const csv = toCsv(communityCsvRows(communityMetrics(db, garden.id, NOW)));
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("Metric,Breakdown,Period,Value");
    expect(lines).toContain("Active members,All,Now,6");
    expect(lines).toContain("Remote members by instance,mastodon.example,Now,2");
    expect(lines).toContain("Posts,Wiki,Week beginning 2026-11-16,2");
    expect(lines).toContain("Participation,Readers,Last 30 days,1");
    expect(lines).toContain("Forum response rate (%),,Topics started in the last 90 days,67");
    expect(lines).toContain(
      "Median time to first reply (minutes),,Topics started in the last 90 days,180",
    );

    const hostile = createCommunity(db, ORIGIN, {
      handle: "hostile",
      name: "=cmd|' /C calc'!A0",
      description: "",
      visibility: "public",
      ownerActorId: alice.id,
    });
    expect(hostile.actor.name.startsWith("=")).toBe(true);
    const instanceCsv = toCsv(instanceCsvRows(instanceMetrics(db, NOW)));
    expect(instanceCsv).toContain("Community members,'=cmd|' /C calc'!A0 (@hostile),Now,1\r\n");
    expect(instanceCsv).not.toMatch(/(^|,)=cmd/m);
  });
});
