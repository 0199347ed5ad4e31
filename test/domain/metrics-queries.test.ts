import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { memberships } from "../../src/db/schema/index.ts";
import { insertLocalActor } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { type ItemRow, insertItem } from "../../src/domain/items.ts";
import { communityFigures } from "../../src/domain/metrics/instance.ts";
import { participation, participationOver } from "../../src/domain/metrics/participation.ts";
import { postsPerWeek } from "../../src/domain/metrics/posts.ts";
import { forumResponses } from "../../src/domain/metrics/responses.ts";
import {
  communityScope,
  INSTANCE_SCOPE,
  type MetricsScope,
} from "../../src/domain/metrics/scope.ts";
import { freshDb } from "../helpers/db.ts";
import { TEST_DATABASE } from "../helpers/test-database.ts";

// How the metrics read the database: several participation periods from one query, and query
// plans that walk only the recent period through the metrics indexes, never a community's or
// the instance's whole history (which made the metrics pages slow on large communities).

const ORIGIN = "https://copse.test";
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 18, 12);

/** A community started by alice, with bob and carol as members. */
function seed() {
  const db = freshDb();
  const person = (handle: string) =>
    insertLocalActor(db, ORIGIN, {
      type: "Person",
      handle,
      name: handle,
      url: `${ORIGIN}/people/${handle}`,
    });
  const alice = person("alice");
  const bob = person("bob");
  const carol = person("carol");
  const garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "public",
    ownerActorId: alice.id,
  }).actor;
  return { db, alice, bob, carol, garden };
}

describe("participation over several periods", () => {
  it("gives each period the figures of its own query, in the order asked, repeats included", () => {
    const { db, alice, bob, carol, garden } = seed();
    for (const member of [bob, carol]) {
      db.insert(memberships)
        .values({ groupId: garden.id, memberId: member.id, state: "active" })
        .run();
    }
    let serial = 0;
    const post = (author: typeof alice, at: number, parent?: ItemRow) =>
      insertItem(db, {
        kind: parent ? "reply" : "topic",
        iri: `${ORIGIN}/ap/items/${++serial}`,
        authorId: author.id,
        groupIds: [garden.id],
        parentId: parent?.id ?? null,
        title: parent ? "" : "A topic",
        bodyHtml: "<p>Text</p>",
        visibility: "public",
        isLocal: true,
        status: "published",
        publishedAt: new Date(at),
      });
    // Alice started a topic 10 days ago and one 60 days ago; Bob answered the old one 40 days
    // ago; Carol only reads.
    post(alice, NOW - 10 * DAY);
    const old = post(alice, NOW - 60 * DAY);
    post(bob, NOW - 40 * DAY, old);

    const scope = communityScope(garden.id);
    const periods = participationOver(db, scope, NOW, [90, 30, 90]);
    expect(periods).toEqual([
      { days: 90, members: 3, creators: 1, contributors: 1, readers: 1 },
      { days: 30, members: 3, creators: 1, contributors: 0, readers: 2 },
      { days: 90, members: 3, creators: 1, contributors: 1, readers: 1 },
    ]);
    expect(periods[1]).toEqual(participation(db, scope, NOW, 30));
    expect(participationOver(db, scope, NOW, [])).toEqual([]);
  });
});

/** The query plan of every statement `run` prepares, one string of plan lines per statement. */
function plansOf(db: Db, run: () => unknown): string[] {
  const sqlite = db.$client;
  const prepare = sqlite.prepare;
  const texts: string[] = [];
  sqlite.prepare = ((source: string) => {
    texts.push(source);
    return prepare.call(sqlite, source);
  }) as typeof sqlite.prepare;
  try {
    run();
  } finally {
    sqlite.prepare = prepare;
  }
  // Without ANALYZE statistics SQLite plans from the SQL and the indexes alone, so any value
  // does for the parameters.
  return texts.map((text) => {
    const parameters = Array((text.match(/\?/g) ?? []).length).fill(0);
    const plan = prepare.call(sqlite, `EXPLAIN QUERY PLAN ${text}`).all(parameters) as {
      detail: string;
    }[];
    return plan.map((line) => line.detail).join("\n");
  });
}

/** Asserts that a plan reads the period's items through items_published_idx, and nothing whole. */
function expectPeriodOnly(plan: string) {
  expect(plan).toContain("USING INDEX items_published_idx (published_at>? AND published_at<?)");
  // Walking a community's items through its group, or items of a kind through their kind,
  // reads their whole history; so does a full scan of a table (aliases as in the metrics SQL).
  expect(plan).not.toContain("item_groups_group_idx");
  expect(plan).not.toContain("items_kind_activity_idx");
  expect(plan).not.toMatch(/^SCAN (i|r|t|g|w|v|items|item_groups|wiki_revisions|poll_votes)$/m);
}

// The plans asserted are SQLite's (its EXPLAIN QUERY PLAN wording and its planner's choices);
// PostgreSQL plans with statistics of its own and has no such output to compare.
describe.skipIf(TEST_DATABASE === "postgres")("metrics query plans", () => {
  const scopes: [string, (groupId: number) => MetricsScope][] = [
    ["a community", (groupId) => communityScope(groupId)],
    ["the instance", () => INSTANCE_SCOPE],
  ];

  for (const [name, scopeOf] of scopes) {
    it(`reads only the recent period for ${name}`, () => {
      const { db, garden } = seed();
      const scope = scopeOf(garden.id);

      const [posts] = plansOf(db, () => postsPerWeek(db, scope, NOW));
      expectPeriodOnly(posts!);
      expect(posts).toContain("USING INDEX wiki_revisions_edits_idx");

      const [acts] = plansOf(db, () => participationOver(db, scope, NOW, [30, 90]));
      expectPeriodOnly(acts!);
      expect(acts).toContain("USING INDEX wiki_revisions_edits_idx");
      expect(acts).toContain("USING COVERING INDEX poll_votes_created_idx");

      const [responses] = plansOf(db, () => forumResponses(db, scope, NOW, 90));
      expectPeriodOnly(responses!);
    });
  }

  it("reads only the recent period for the per-community rows", () => {
    const { db } = seed();
    const [figures] = plansOf(db, () => communityFigures(db, NOW));
    expectPeriodOnly(figures!);
    expect(figures).toContain("USING INDEX wiki_revisions_edits_idx");
  });
});
