import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { polls } from "../../src/db/schema/index.ts";
import { countPolls, listPolls } from "../../src/domain/polls/polls.ts";
import type { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { ITEM_FORMS } from "../helpers/item-forms.ts";
import { signedIn } from "../helpers/sign-in.ts";

// A community's polls list is paged, 50 a page, open polls first and then closed ones as one
// list, instead of stopping at 100. Checked at 0, 50 and 51 polls, with open and closed polls
// split across pages, and with page numbers out of range.

describe("paged polls list", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let gardenId: number;
  const made: number[] = [];
  const rows = (body: string) => body.match(/href="\/c\/garden\/polls\/\d+"/g) ?? [];
  const link = (id: number) => `href="/c/garden/polls/${id}"`;

  async function createPolls(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const { response } = await alice.post("/c/garden/polls/new", ITEM_FORMS.polls!);
      expect(response.status).toBe(303);
      made.push(Number(response.headers.get("location")!.split("/").pop()));
    }
  }

  beforeAll(async () => {
    copse = await startTestInstance("PollPages");
    const a = await copse.createUser("alice");
    gardenId = copse.createCommunity("garden", a, "public").actor.id;
    alice = await signedIn(copse, "alice");
  });
  afterAll(() => copse?.close());

  it("shows no page links with no polls, or exactly one page of them", async () => {
    const none = await alice.get("/c/garden/polls");
    expect(none.response.status).toBe(200);
    expect(none.body).toContain("No polls are open at the moment.");
    expect(none.body).not.toContain('aria-label="Pages of polls"');

    await createPolls(50);
    const full = await alice.get("/c/garden/polls");
    expect(rows(full.body)).toHaveLength(50);
    expect(full.body).not.toContain('aria-label="Pages of polls"');
  });

  it("puts the 51st poll on a second page", async () => {
    await createPolls(1);
    const first = await alice.get("/c/garden/polls");
    expect(rows(first.body)).toHaveLength(50);
    expect(first.body).toContain("Open polls (51)");
    expect(first.body).toContain('href="/c/garden/polls?page=2" rel="next"');
    const second = await alice.get("/c/garden/polls?page=2");
    expect(rows(second.body)).toEqual([link(made[50]!)]);
    expect(second.body).toContain('href="/c/garden/polls" rel="prev"');
  });

  it("runs open polls then closed ones across the pages", async () => {
    // The first 20 closed, a minute apart: the latest closed comes first among them.
    const closed = made.slice(0, 20);
    for (const [i, id] of closed.entries()) {
      copse.db
        .update(polls)
        .set({ endsAt: new Date(Date.UTC(2025, 0, 1, 0, i)) })
        .where(inArray(polls.itemId, [id]))
        .run();
    }
    expect(countPolls(copse.db, gardenId, true)).toBe(31);
    expect(countPolls(copse.db, gardenId, false)).toBe(20);
    const first = await alice.get("/c/garden/polls");
    expect(rows(first.body)).toHaveLength(50);
    expect(first.body).toContain("Open polls (31)");
    expect(first.body).toContain("Closed polls (20)");
    expect(first.body).toContain(link(closed[19]!));
    expect(first.body).not.toContain(link(closed[0]!));
    // The second page holds only the earliest closed poll, and does not claim none are open.
    const second = await alice.get("/c/garden/polls?page=2");
    expect(rows(second.body)).toEqual([link(closed[0]!)]);
    expect(second.body).not.toContain("No polls are open");
    expect(listPolls(copse.db, gardenId, { offset: 50, limit: 50 }).closed).toHaveLength(1);
  });

  it("shows the last page for a page past the end, and the first for nonsense", async () => {
    expect(rows((await alice.get("/c/garden/polls?page=99")).body)).toHaveLength(1);
    for (const page of ["0", "-2", "x"]) {
      const { response, body } = await alice.get(`/c/garden/polls?page=${page}`);
      expect(response.status).toBe(200);
      expect(rows(body), page).toHaveLength(50);
    }
  });
});
