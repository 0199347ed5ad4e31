import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CACHE_HEADER } from "../../src/web/page-cache.ts";
import { writeBookkeeping } from "../helpers/bookkeeping.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

/** The masked CSRF token a page's forms carry. */
function formToken(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error("The page has no form with a CSRF token");
  return match[1]!;
}

/**
 * Requests until an answer comes from the cache. Background jobs write now and then (which
 * rightly starts the cache afresh), so the very next request is not always a hit; on a quiet
 * database one soon is. Returns the hit and the answer before it.
 */
async function untilKept<T extends { headers: Headers }>(
  request: () => Promise<T>,
): Promise<{ before: T; hit: T }> {
  let before = await request();
  for (let attempt = 0; attempt < 50; attempt++) {
    const next = await request();
    if (next.headers.get(CACHE_HEADER) === "hit") return { before, hit: next };
    before = next;
  }
  throw new Error("No answer came from the cache in 50 requests");
}

describe("pages kept for visitors who are not signed in", () => {
  let copse: TestInstance;
  let alice: WebClient;

  beforeAll(async () => {
    copse = await startTestInstance("PageCache");
    const a = await copse.createUser("alice");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = new WebClient(copse.origin);
    const { response } = await alice.post("/signin", { login: "alice", password: TEST_PASSWORD });
    expect(response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("serves the next visitor the kept page, until the database changes", async () => {
    const visit = async () => {
      const page = await new WebClient(copse.origin).get("/c/garden/forum");
      return { headers: page.response.headers, body: page.body };
    };
    const { before, hit } = await untilKept(visit);
    expect(hit.headers.get("content-type")).toMatch(/^text\/html/);
    // The same page but for each visitor's own form token.
    expect(hit.body.replace(/value="[^"]+"/g, "")).toBe(before.body.replace(/value="[^"]+"/g, ""));

    const created = await alice.post("/c/garden/forum/new", {
      title: "Gritting routes for the new year",
      body: "Which roads first?",
    });
    expect(created.response.status).toBe(303);
    const after = await new WebClient(copse.origin).get("/c/garden/forum");
    expect(after.response.headers.get(CACHE_HEADER)).toBe("miss");
    expect(after.body).toContain("Gritting routes for the new year");
  });

  it("keeps serving the page while only deliveries, the key-value store and inbox records are written", async () => {
    const visit = async () => {
      const page = await new WebClient(copse.origin).get("/c/garden");
      return { headers: page.response.headers, body: page.body };
    };
    await untilKept(visit);
    for (let n = 0; n < 20; n++) writeBookkeeping(copse.db, n);
    const after = await visit();
    expect(after.headers.get(CACHE_HEADER)).toBe("hit");
  });

  it("gives each visitor a page whose forms carry their own token", async () => {
    const visitors: WebClient[] = [];
    const { before, hit } = await untilKept(async () => {
      const visitor = new WebClient(copse.origin);
      visitors.push(visitor);
      const page = await visitor.get("/communities");
      return { headers: page.response.headers, body: page.body, visitor };
    });
    const tokens = [formToken(before.body), formToken(hit.body)];
    visitors.splice(0, visitors.length, before.visitor, hit.visitor);
    expect(tokens[0]).not.toBe(tokens[1]);
    for (const [index, visitor] of visitors.entries()) {
      // The footer's text size form, sent with the token of the page the visitor was given.
      const sent = await visitor.post(
        "/preferences/text-size",
        { size: "large", return: "/communities", _csrf: tokens[index]! },
        { csrf: false },
      );
      expect(sent.response.status).toBe(303);
    }
    // Another visitor's token is refused, so a kept page never hands out a usable token.
    const stranger = new WebClient(copse.origin);
    await stranger.get("/");
    const refused = await stranger.post(
      "/preferences/text-size",
      { size: "large", return: "/", _csrf: tokens[0]! },
      { csrf: false },
    );
    expect(refused.response.status).toBe(403);
  });

  it("keeps pages apart by text size and never serves them to people signed in", async () => {
    const large = new WebClient(copse.origin);
    await large.get("/");
    await large.post("/preferences/text-size", { size: "largest", return: "/" });
    const plain = await new WebClient(copse.origin).get("/communities");
    const sized = await large.get("/communities");
    expect(sized.body).not.toBe(plain.body);
    expect(sized.body).toMatch(/largest/);

    // A private community's topic: its member's page is never kept for anyone else.
    const secret = await alice.post("/c/vault/forum/new", { title: "Budget ideas", body: "Hush." });
    expect(secret.response.status).toBe(303);
    for (let i = 0; i < 2; i++) {
      const mine = await alice.get("/c/vault/forum");
      expect(mine.response.headers.get(CACHE_HEADER)).toBeNull();
      expect(mine.body).toContain("Budget ideas");
    }
    const anonymous = await new WebClient(copse.origin).get("/c/vault/forum");
    expect(anonymous.body).not.toContain("Budget ideas");
    const signedInHome = await alice.get("/");
    expect(signedInHome.body).not.toContain('href="/signin"');
  });

  it("keeps a public feed, answering a reader that has it with 304", async () => {
    const read = (headers: Record<string, string> = {}) =>
      fetch(new URL("/feeds/c/garden/forum.rss", copse.origin), { headers });
    const { hit } = await untilKept(read);
    expect(hit.status).toBe(200);
    expect(hit.headers.get("content-type")).toMatch(/rss\+xml/);
    expect(hit.headers.get("set-cookie")).toBeNull();
    expect(await hit.text()).toContain("Gritting routes for the new year");
    const etag = hit.headers.get("etag")!;
    expect(etag).toMatch(/^W\//);
    const again = await read({ "if-none-match": etag });
    expect(again.status).toBe(304);
  });

  it("serves a feed without a token from the kept copy to people signed in too", async () => {
    // Feeds ignore the session, so a member's browser gets the same feed as a reader.
    let kept: Awaited<ReturnType<WebClient["get"]>> | undefined;
    for (let attempt = 0; attempt < 50 && kept === undefined; attempt++) {
      const answer = await alice.get("/feeds/c/garden/forum.rss");
      if (answer.response.headers.get(CACHE_HEADER) === "hit") kept = answer;
    }
    expect(kept?.body).toContain("Gritting routes for the new year");
    // The signed-in pages themselves are still never kept.
    expect((await alice.get("/c/garden")).response.headers.get(CACHE_HEADER)).toBeNull();
  });

  it("does not keep a page that sets a cookie of its own or answers an error", async () => {
    const missing = await new WebClient(copse.origin).get("/c/no-such-community");
    expect(missing.response.status).toBe(404);
    expect(missing.response.headers.get(CACHE_HEADER)).toBeNull();
    const again = await new WebClient(copse.origin).get("/c/no-such-community");
    expect(again.response.headers.get(CACHE_HEADER)).toBeNull();
  });
});

describe("actor documents kept for other servers", () => {
  let copse: TestInstance;
  beforeAll(async () => {
    copse = await startTestInstance("ActorCache");
    await copse.createUser("carol");
  });
  afterAll(() => copse?.close());

  it("serves an actor's JSON again until the actor changes", async () => {
    const fetchActor = () =>
      fetch(new URL("/ap/actors/carol", copse.origin), {
        headers: { accept: "application/activity+json" },
      });
    const { before, hit } = await untilKept(fetchActor);
    expect(before.headers.get(CACHE_HEADER)).toBe("miss");
    expect(hit.headers.get("content-type")).toMatch(/activity\+json/);
    expect(await hit.json()).toEqual(await before.json());

    copse.db.$client
      .prepare("UPDATE actors SET name = 'Carol Renamed' WHERE handle = 'carol'")
      .run();
    const renamed = await fetchActor();
    expect(renamed.headers.get(CACHE_HEADER)).toBe("miss");
    expect(((await renamed.json()) as { name: string }).name).toBe("Carol Renamed");
  });
});

describe("pages kept: turned off", () => {
  let copse: TestInstance;
  beforeAll(async () => {
    copse = await startTestInstance("PageCacheOff", { COPSE_PAGE_CACHE_SECONDS: "0" });
  });
  afterAll(() => copse?.close());

  it("renders every page afresh with COPSE_PAGE_CACHE_SECONDS=0", async () => {
    for (let i = 0; i < 2; i++) {
      const page = await new WebClient(copse.origin).get("/communities");
      expect(page.response.status).toBe(200);
      expect(page.response.headers.get(CACHE_HEADER)).toBeNull();
    }
  });
});
