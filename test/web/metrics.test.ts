import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

// Who may see metrics: a community's facilitators and the instance's admins; plain members,
// non-members and anonymous visitors may not, for the pages and the CSV downloads alike.

describe("the metrics pages", () => {
  let copse: TestInstance;
  let root: WebClient;
  let alice: WebClient;
  let bob: WebClient;
  let eve: WebClient;
  const anonymous = () => new WebClient(copse.origin);

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  beforeAll(async () => {
    copse = await startTestInstance("Metrics");
    // The first account becomes the instance's administrator.
    await copse.createUser("rowan", { admin: true });
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    await copse.createUser("eve");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    root = await signedIn("rowan");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    eve = await signedIn("eve");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
    const topic = await alice.post("/c/vault/forum/new", {
      title: "Secret restructuring plans",
      body: "Nobody outside may read this.",
    });
    expect(topic.response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("sends anonymous visitors to sign in", async () => {
    for (const path of ["/c/garden/metrics", "/c/garden/metrics.csv", "/admin/metrics"]) {
      const { response } = await anonymous().get(path);
      expect(response.status, path).toBe(303);
      expect(response.headers.get("location"), path).toBe(
        `/signin?return=${encodeURIComponent(path)}`,
      );
    }
  });

  it("refuses plain members and non-members with 403", async () => {
    for (const [web, path] of [
      [bob, "/c/garden/metrics"],
      [bob, "/c/garden/metrics.csv"],
      [eve, "/c/garden/metrics"],
      [bob, "/c/vault/metrics"],
      [eve, "/c/vault/metrics.csv"],
    ] as const) {
      const { response, body } = await web.get(path);
      expect(response.status, path).toBe(403);
      expect(body).not.toContain("Active members");
      expect(body).not.toContain("Metric,Breakdown");
    }
    expect((await alice.get("/admin/metrics")).response.status).toBe(403);
    expect((await bob.get("/admin/metrics.csv")).response.status).toBe(403);
  });

  it("shows a community's figures to its facilitator, and links to them from its page", async () => {
    const home = await alice.get("/c/garden");
    expect(home.body).toContain('href="/c/garden/metrics"');
    expect((await bob.get("/c/garden")).body).not.toContain('href="/c/garden/metrics"');

    const { response, body } = await alice.get("/c/garden/metrics");
    expect(response.status).toBe(200);
    expect(body).toContain('<h1 class="govuk-heading-l">Metrics</h1>');
    expect(body).toMatch(/Active members<\/dt>\s*<dd class="govuk-summary-list__value">2</);
    expect(body).toContain('role="img"');
    expect(body).toContain('href="/c/garden/metrics.csv?period=12w"');
    // New members per week: Alice started the garden and Bob joined it this week.
    expect(body).toContain('<title id="new-members-per-week-title">New members per week</title>');
    expect(body).toMatch(/<th scope="col" class="govuk-table__header[^"]*">New members<\/th>/);
    // The taking-part split as a chart, with its figures in words: nobody has posted yet.
    expect(body).toContain('<title id="participation-title">');
    expect(body).toContain(
      "<li>Last 30 days: 0 creators (0%), 0 contributors (0%), 2 readers (100%) of 2 active members.</li>",
    );
  });

  it("lets a facilitator choose the period, headline figures first, and the CSV follows it", async () => {
    const { body } = await alice.get("/c/garden/metrics?period=4w");
    expect(body).toContain('<option value="4w" selected="">Last 4 weeks</option>');
    const glance = body.indexOf("At a glance: last 4 weeks");
    expect(glance).toBeGreaterThan(0);
    expect(glance).toBeLessThan(body.indexOf("Posts per week"));
    expect(body).toContain("The last 4 weeks;");
    expect(body).toContain("<li>Last 28 days:");
    expect(body).toContain('href="/c/garden/metrics.csv?period=4w"');
    const csv = await alice.get("/c/garden/metrics.csv?period=52w");
    expect([
      ...csv.body.matchAll(/^New members,All,Week beginning [\d-]+,(\d+)\r$/gm),
    ]).toHaveLength(52);
    // A period it does not know shows the default rather than failing.
    expect((await alice.get("/c/garden/metrics?period=forever")).body).toContain(
      '<option value="12w" selected="">Last 12 weeks</option>',
    );
  });

  it("downloads a community's figures as CSV", async () => {
    const { response, body } = await alice.get("/c/garden/metrics.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="garden-metrics-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(body.startsWith("Metric,Breakdown,Period,Value\r\n")).toBe(true);
    expect(body).toContain("Active members,All,Now,2\r\n");
    const thisWeek = [...body.matchAll(/^New members,All,Week beginning [\d-]+,(\d+)\r$/gm)];
    expect(thisWeek).toHaveLength(12);
    expect(thisWeek.at(-1)![1]).toBe("2");
  });

  it("lets an admin see any community's figures, counts only, and the instance's", async () => {
    const vault = await root.get("/c/vault/metrics");
    expect(vault.response.status).toBe(200);
    expect(vault.body).toContain("Topics started");
    expect(vault.body).not.toContain("Secret restructuring plans");
    expect(vault.body).not.toContain("Nobody outside may read this.");

    const instance = await root.get("/admin/metrics");
    expect(instance.response.status).toBe(200);
    expect(instance.body).toContain("Instance metrics");
    expect(instance.body).toContain('href="/c/vault/metrics"');
    expect(instance.body).not.toContain("Secret restructuring plans");
    expect(instance.body).toContain('<title id="new-members-per-week-title">');
    expect(instance.body).toContain('<title id="participation-title">');
    const csv = await root.get("/admin/metrics.csv");
    expect(csv.response.status).toBe(200);
    expect(csv.response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="127.0.0.1-metrics-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(csv.body).toContain("Local accounts,,Now,4\r\n");
    expect(csv.body).toContain("Community members,Vault (@vault),Now,1\r\n");
    // Across the instance Alice, who started both communities, is one new member, and Bob another.
    expect(csv.body).toMatch(/^New members,All,Week beginning [\d-]+,2\r$(?![\s\S]*^New members)/m);
    expect(csv.body).not.toContain("Secret");

    const index = await root.get("/admin");
    expect(index.body).toContain('href="/admin/metrics"');
  });

  it("answers 404 for a community that does not exist", async () => {
    expect((await root.get("/c/nowhere/metrics")).response.status).toBe(404);
  });
});
