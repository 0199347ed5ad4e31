import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { composeItem, type ItemRow } from "../../src/domain/items.ts";
import { getReport, listReports } from "../../src/domain/moderation/reports.ts";
import type { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { signedIn } from "../helpers/sign-in.ts";

describe("reporting and the report queue", () => {
  let copse: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let asAlice: WebClient;
  let asBob: WebClient;
  let asCarol: WebClient;
  let garden: number;
  let topic: ItemRow;
  let secret: ItemRow;

  beforeAll(async () => {
    copse = await startTestInstance("Reports");
    alice = await copse.createUser("alice");
    bob = await copse.createUser("bob");
    await copse.createUser("carol");
    const gardenActor = copse.createCommunity("garden", alice, "public").actor;
    const council = copse.createCommunity("council", alice, "private").actor;
    garden = gardenActor.id;
    asAlice = await signedIn(copse, "alice");
    asBob = await signedIn(copse, "bob");
    asCarol = await signedIn(copse, "carol");
    for (const web of [asBob, asCarol]) await web.post("/c/garden/join", {});
    topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: bob.actor,
      groups: [gardenActor],
      title: "Cheap watches",
      body: "Buy now",
    });
    secret = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [council],
      title: "Budget",
      body: "Members only",
    });
  });
  afterAll(() => copse?.close());

  const open = () =>
    listReports(copse.db, { groupId: garden, state: "open", page: 1, pageSize: 50 });

  it("offers a Report link on posts and members, and asks for a reason", async () => {
    const page = await asCarol.get(`/c/garden/forum/${topic.id}`);
    expect(page.body).toContain(`/c/garden/report/item/${topic.id}`);
    // Members are reported from the community's members list.
    const members = await asCarol.get("/c/garden/people");
    expect(members.body).toContain(`/c/garden/report/member/${bob.actor.id}`);
    const empty = await asCarol.post(`/c/garden/report/item/${topic.id}`, { reason: " " });
    expect(empty.response.status).toBe(422);
    expect(empty.body).toContain("govuk-error-summary");
    expect(open()).toHaveLength(0);
  });

  it("does not let anyone report (or learn of) a members-only post they cannot see", async () => {
    const form = await asCarol.get(`/c/council/report/item/${secret.id}`);
    expect(form.response.status).toBe(404);
    expect(form.body).not.toContain("Members only");
    const post = await asCarol.post(`/c/council/report/item/${secret.id}`, { reason: "Nosy" });
    expect(post.response.status).toBe(404);
  });

  it("puts a report in the facilitators' queue; removing the post resolves it for the reporter", async () => {
    const sent = await asCarol.post(`/c/garden/report/item/${topic.id}`, { reason: "Spam" });
    expect(sent.response.status).toBe(303);
    const [report] = open();
    expect(report?.itemId).toBe(topic.id);

    expect((await asBob.get("/c/garden/reports")).response.status).toBe(403);
    // The person reported never sees the reason.
    expect((await asBob.get(`/c/garden/reports/${report!.id}`)).body).not.toContain("Spam");
    const queue = await asAlice.get("/c/garden/reports");
    expect(queue.body).toContain("Cheap watches");
    const detail = await asAlice.get(`/c/garden/reports/${report!.id}`);
    expect(detail.body).toContain(`/c/garden/moderation/items/${topic.id}/remove`);
    expect(detail.body).toContain(`/c/garden/members/${bob.actor.id}/ban`);

    const removed = await asAlice.post(`/c/garden/moderation/items/${topic.id}/remove`, {
      reason: "Advertising",
    });
    expect(removed.response.status).toBe(303);
    expect(getReport(copse.db, report!.id)?.state).toBe("resolved");
    const mine = await asCarol.get("/reports");
    expect(mine.body).toContain("Post removed");
    const resolved = await asAlice.get("/c/garden/reports?state=resolved");
    expect(resolved.body).toContain("Post removed");
  });

  it("dismisses a report only with a note, which the reporter sees", async () => {
    await asCarol.post(`/c/garden/report/member/${bob.actor.id}`, { reason: "Grumpy" });
    const [report] = open();
    const bare = await asAlice.post(`/c/garden/reports/${report!.id}/dismiss`, { note: "" });
    expect(bare.response.status).toBe(422);
    expect(getReport(copse.db, report!.id)?.state).toBe("open");
    const done = await asAlice.post(`/c/garden/reports/${report!.id}/dismiss`, {
      note: "Grumpy is allowed",
    });
    expect(done.response.status).toBe(303);
    expect((await asCarol.get("/reports")).body).toContain("Grumpy is allowed");
  });

  it("shows every community's reports to administrators only", async () => {
    expect((await asCarol.get("/admin/reports?state=dismissed")).response.status).toBe(403);
    await copse.createUser("dora", { admin: true });
    const asRoot = await signedIn(copse, "dora");
    const all = await asRoot.get("/admin/reports?state=dismissed");
    expect(all.response.status).toBe(200);
    expect(all.body).toContain("Grumpy");
  });

  it("counts notifications in the header until they are viewed", async () => {
    await asCarol.post(`/c/garden/report/member/${bob.actor.id}`, { reason: "Again" });
    const before = await asAlice.get("/");
    expect(before.body).toMatch(/Notifications <span aria-hidden="true">\(\d+\)<\/span>/);
    const page = await asAlice.get("/notifications");
    expect(page.body).toContain("New report in");
    const after = await asAlice.get("/");
    expect(after.body).not.toMatch(/Notifications <span aria-hidden="true">/);
    // Bob learns his post was removed, and why.
    expect((await asBob.get("/notifications")).body).toContain("Advertising");
  });
});
