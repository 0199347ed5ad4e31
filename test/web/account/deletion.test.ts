import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAccount } from "../../../src/domain/accounts.ts";
import { composeItem } from "../../../src/domain/items.ts";
import { requestMembership } from "../../../src/domain/membership.ts";
import { WebClient } from "../../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../../helpers/instances.ts";
import { signedIn } from "../../helpers/sign-in.ts";

// Deleting an account from the web: by its owner with their password, or by an administrator
// who types the handle; both need a choice about the posts, and refuse with nothing changed.

describe("deleting an account on the web", () => {
  let copse: TestInstance;

  beforeAll(async () => {
    copse = await startTestInstance("Deleton");
    await copse.createUser("ada", { admin: true });
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("refuses without a choice or with a wrong password, and keeps the account", async () => {
    await copse.createUser("cat");
    const web = await signedIn(copse, "cat");
    const page = await web.get("/account/delete");
    expect(page.response.status).toBe(200);
    const refused = await web.post("/account/delete", { password: "wrong password" });
    expect(refused.response.status).toBe(422);
    expect(refused.body).toContain("Choose whether to keep or remove the posts");
    expect(refused.body).toContain("Your current password is not right");
    expect((await web.get("/account")).response.status).toBe(200);
  });

  it("deletes the person's own account, keeping posts under 'A former member'", async () => {
    const ada = findAccount(copse.db, "ada")!;
    const dan = await copse.createUser("dan", { name: "Dan Dare" });
    const garden = copse.createCommunity("garden", ada);
    requestMembership(copse.db, { groupId: garden.actor.id, memberId: dan.actor.id });
    const topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: dan.actor,
      groups: [garden.actor],
      title: "Dan's question",
      body: "Does anyone compost?",
    });
    const web = await signedIn(copse, "dan");
    const done = await web.post("/account/delete", { keep: "anonymise", password: TEST_PASSWORD });
    expect(done.response.status).toBe(303);
    expect((await web.get("/account")).response.status).toBe(303);

    const reader = await signedIn(copse, "ada");
    const thread = await reader.get(`/c/garden/forum/${topic.id}`);
    expect(thread.body).toContain("Does anyone compost?");
    expect(thread.body).toContain("A former member");
    expect(thread.body).not.toContain("Dan Dare");
    expect(thread.body).not.toContain('href="/people/dan"');
    expect((await reader.get("/people/dan")).response.status).toBe(410);
    expect((await reader.get("/people/dan/blog")).response.status).toBe(410);
  });

  it("lets an administrator delete someone after typing their handle", async () => {
    const eve = await copse.createUser("eve");
    const eveWeb = await signedIn(copse, "eve");
    const admin = await signedIn(copse, "ada");
    const path = `/admin/accounts/${eve.id}/delete`;
    expect((await admin.get(`/admin/accounts/${eve.id}`)).body).toContain(`href="${path}"`);
    expect((await admin.get(path)).response.status).toBe(200);
    const wrong = await admin.post(path, { keep: "remove", confirm: "eva" });
    expect(wrong.response.status).toBe(422);
    expect((await eveWeb.get("/account")).response.status).toBe(200);

    const done = await admin.post(path, { keep: "remove", confirm: "eve" });
    expect(done.response.status).toBe(303);
    expect((await eveWeb.get("/account")).response.status).toBe(303);
    expect((await admin.get(`/admin/accounts/${eve.id}`)).response.status).toBe(404);
    const signIn = await new WebClient(copse.origin).post("/signin", {
      login: "eve",
      password: TEST_PASSWORD,
    });
    expect(signIn.response.status).toBe(422);
  });

  it("does not let an administrator delete their own account from the administration pages", async () => {
    const admin = await signedIn(copse, "ada");
    const ada = findAccount(copse.db, "ada")!;
    const refused = await admin.post(`/admin/accounts/${ada.id}/delete`, {
      keep: "remove",
      confirm: "ada",
    });
    expect(refused.response.status).toBe(409);
  });
});
