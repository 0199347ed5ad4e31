import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLocalActor } from "../../src/domain/actors.ts";
import { findCommunity } from "../../src/domain/communities.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { enabledSections } from "../../src/domain/sections.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { expectErrorPage, expectSoundHeadings, pageTitle } from "../helpers/page-structure.ts";

describe("sub-communities and lifecycle stage on the web", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let carol: WebClient;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  function childForm(
    handle: string,
    extra: [string, string][] = [],
    name = handle[0]!.toUpperCase() + handle.slice(1),
  ): [string, string][] {
    return [
      ["name", name],
      ["handle", handle],
      ["description", `The ${handle} group.`],
      ["visibility", "public"],
      ...extra,
    ];
  }

  const idOf = (handle: string) => String(findCommunity(copse.db, handle)!.actor.id);

  beforeAll(async () => {
    copse = await startTestInstance("Tree");
    const a = await copse.createUser("alice", { name: "Alice Adams" });
    await copse.createUser("bob");
    await copse.createUser("carol");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    carol = await signedIn("carol");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("lets a facilitator create a sub-community with a subset of the sections", async () => {
    const home = await alice.get("/c/garden");
    expect(home.body).toContain('href="/c/garden/subcommunities/new"');
    const form = await alice.get("/c/garden/subcommunities/new");
    expect(form.response.status).toBe(200);
    // Every section the parent uses is offered, and ticked to begin with.
    expect(form.body).toMatch(/name="sections" type="checkbox" value="forum" checked/);
    const { response } = await alice.post(
      "/c/garden/subcommunities/new",
      childForm("roses", [
        ["sections", "forum"],
        ["sections", "wiki"],
      ]),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/c/roses");
    const roses = findCommunity(copse.db, "roses")!;
    expect([...enabledSections(copse.db, roses.actor.id)].sort()).toEqual(["forum", "wiki"]);

    const child = await bob.get("/c/roses");
    expect(child.body).toMatch(/Part of\s*<a class="govuk-link" href="\/c\/garden">Garden<\/a>/);
    expect(child.body).toContain('href="/c/roses/wiki"');
    expect(child.body).not.toContain('href="/c/roses/events"');
    const parent = await bob.get("/c/garden");
    expect(parent.body).toContain("Sub-communities");
    expect(parent.body).toContain('<a class="govuk-link" href="/c/roses">Roses</a>');
    // Bob is a member, not a facilitator: no way to create one.
    expect(parent.body).not.toContain("/c/garden/subcommunities/new");
  });

  it("shows the whole chain for deeper sub-communities", async () => {
    const { response } = await alice.post("/c/roses/subcommunities/new", childForm("climbers"));
    expect(response.status).toBe(303);
    const page = await carol.get("/c/climbers");
    expect(page.body).toMatch(
      /Part of\s*<a class="govuk-link" href="\/c\/roses">Roses<\/a>, in\s*<a class="govuk-link" href="\/c\/garden">Garden<\/a>/,
    );
  });

  it("refuses everyone but the facilitators, and changes nothing", async () => {
    expect((await bob.get("/c/garden/subcommunities/new")).response.status).toBe(403);
    const post = await bob.post("/c/garden/subcommunities/new", childForm("weeds"));
    expect(post.response.status).toBe(403);
    expect(findCommunity(copse.db, "weeds")).toBeUndefined();
    const anonymous = await new WebClient(copse.origin).get("/c/garden/subcommunities/new");
    expect(anonymous.response.status).toBe(303);
    expect(anonymous.response.headers.get("location")).toMatch(/^\/signin/);
    const stage = await bob.post("/c/garden/settings/stage", { stage: "closedown" });
    expect(stage.response.status).toBe(403);
    const move = await bob.post("/c/roses/settings/parent", { parent: "" });
    expect(move.response.status).toBe(403);
    expect(findCommunity(copse.db, "garden")!.stage).toBe("start-up");
    expect(findCommunity(copse.db, "roses")!.parentGroupId).toBe(Number(idOf("garden")));
  });

  it("shows every problem in the form and creates nothing", async () => {
    const { response, body } = await alice.post("/c/garden/subcommunities/new", [
      ["name", ""],
      ["handle", "roses"],
      ["description", ""],
      ["visibility", "public"],
      ["sections", "forum"],
      ["sections", "nonsense"],
    ]);
    expect(response.status).toBe(422);
    expect(body).toContain("govuk-error-summary");
    expect(body).toContain("Enter a name for the community");
    expect(body).toContain("The handle &quot;roses&quot; is already taken");
    expect(body).toContain("Choose only sections the parent community uses");
    expectErrorPage(body, "Create a sub-community");
    expect(body).toContain('<a href="#name">Enter a name for the community</a>');
  });

  it("lets members of a private parent straight into a child that inherits its rules", async () => {
    const { response } = await alice.post(
      "/c/vault/subcommunities/new",
      childForm("strongroom", [["inherit", "yes"]]),
    );
    expect(response.status).toBe(303);
    const strongroom = findCommunity(copse.db, "strongroom")!;
    expect(strongroom.visibility).toBe("private");
    expect(strongroom.inheritsMembership).toBe(true);
    // Carol is approved into the vault, then joins the strongroom without asking.
    await carol.post("/c/vault/join", {});
    const carolId = findLocalActor(copse.db, "carol")!.id;
    const decided = await alice.post("/c/vault/requests/decide", {
      member: String(carolId),
      decision: "approve",
    });
    expect(decided.response.status).toBe(303);
    await carol.post("/c/strongroom/join", {});
    expect(findMembership(copse.db, strongroom.actor.id, carolId)?.state).toBe("active");
    const page = await carol.get("/c/strongroom");
    expect(page.body).toContain("You are a member of this community.");
    // Bob is not in the vault, so he must ask.
    await bob.post("/c/strongroom/join", {});
    expect((await bob.get("/c/strongroom")).body).toContain("Request pending");
  });

  it("sets the lifecycle stage, shows it and filters All communities by it", async () => {
    const settings = await alice.get("/c/garden/settings");
    expectSoundHeadings(settings.body);
    expect(settings.body).toContain('action="/c/garden/settings/stage"');
    expect(settings.body).toContain('value="start-up" checked');
    const { response } = await alice.post("/c/garden/settings/stage", { stage: "nurture" });
    expect(response.status).toBe(303);
    const home = await bob.get("/c/garden");
    expect(home.body).toMatch(/Stage: <strong class="govuk-tag[^"]*">Nurture<\/strong>/);
    expect(home.body).toContain("Growing: building trust");

    const bad = await alice.post("/c/garden/settings/stage", { stage: "thriving" });
    expect(bad.response.status).toBe(422);
    expect(bad.body).toContain("Choose the community&#39;s stage from the list");
    expectErrorPage(bad.body, "Lifecycle stage");
    expect(findCommunity(copse.db, "garden")!.stage).toBe("nurture");

    const all = await carol.get("/communities");
    expect(pageTitle(all.body)).toBe("All communities – Tree");
    expectSoundHeadings(all.body);
    // The table is wider than a phone, so it scrolls in a region reachable by keyboard.
    expect(all.body).toContain(
      '<section class="copse-scroll-region" aria-label="Communities on this instance" tabindex="0">',
    );
    expect(all.body).toMatch(
      /href="\/c\/roses">Roses<\/a>.*Part of\s*<a class="govuk-link" href="\/c\/garden">Garden/s,
    );
    const nurture = await carol.get("/communities?stage=nurture");
    expect(nurture.response.status).toBe(200);
    expect(nurture.body).toContain('<option value="nurture" selected="">Nurture</option>');
    expect(pageTitle(nurture.body)).toBe("All communities at the nurture stage – Tree");
    expect(nurture.body).toContain('href="/c/garden">Garden</a>');
    expect(nurture.body).not.toContain('href="/c/roses">Roses</a>');
    const closedown = await carol.get("/communities?stage=closedown");
    expect(closedown.body).toContain("No community here is at the closedown stage.");
    const bogus = await carol.get("/communities?stage=thriving");
    expect(bogus.response.status).toBe(422);
    expect(bogus.body).toContain("Choose a lifecycle stage from the list");
    expectErrorPage(bogus.body, "All communities");
    expect(bogus.body).toContain('href="/c/roses">Roses</a>');
  });

  it("moves a community, refusing itself and its own sub-communities", async () => {
    const self = await alice.post("/c/garden/settings/parent", { parent: idOf("garden") });
    expect(self.response.status).toBe(422);
    expect(self.body).toContain("A community cannot be moved under itself");
    expectErrorPage(self.body, "Move Garden");
    expect(self.body).toContain('<a href="#parent">');
    const deep = await alice.post("/c/garden/settings/parent", { parent: idOf("climbers") });
    expect(deep.response.status).toBe(422);
    expect(deep.body).toContain("govuk-error-summary");
    expect(deep.body).toContain("Climbers is one of this community&#39;s sub-communities");
    expect(findCommunity(copse.db, "garden")!.parentGroupId).toBeNull();

    const moved = await alice.post("/c/climbers/settings/parent", { parent: idOf("garden") });
    expect(moved.response.status).toBe(303);
    expect(findCommunity(copse.db, "climbers")!.parentGroupId).toBe(Number(idOf("garden")));
    const top = await alice.post("/c/climbers/settings/parent", { parent: "" });
    expect(top.response.status).toBe(303);
    expect(findCommunity(copse.db, "climbers")!.parentGroupId).toBeNull();
    expect((await alice.get("/c/climbers")).body).not.toContain("Part of");
  });
});
