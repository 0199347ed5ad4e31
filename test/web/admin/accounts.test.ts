import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "../../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../../helpers/instances.ts";
import { expectSoundHeadings } from "../../helpers/page-structure.ts";
import { signedIn } from "../../helpers/sign-in.ts";

// The administrators' accounts pages: finding people, suspending them (which signs them out
// and stops them signing in), administrators, and password links; nobody else may use them.

describe("the accounts pages", () => {
  let copse: TestInstance;
  let admin: WebClient;
  let ids: Record<string, number>;

  beforeAll(async () => {
    copse = await startTestInstance("Accountsbury");
    const ada = await copse.createUser("ada", { admin: true });
    const bob = await copse.createUser("bob");
    const cara = await copse.createUser("cara");
    ids = { ada: ada.id, bob: bob.id, cara: cara.id };
    admin = await signedIn(copse, "ada");
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("is refused to people who are not administrators", async () => {
    const bob = await signedIn(copse, "bob");
    expect((await bob.get("/admin/accounts")).response.status).toBe(403);
    const post = await bob.post(`/admin/accounts/${ids.cara}/suspend`, { reason: "Because" });
    expect(post.response.status).toBe(403);
    expect((await new WebClient(copse.origin).get("/admin/accounts")).response.status).toBe(303);
  });

  it("lists and searches accounts", async () => {
    const all = await admin.get("/admin/accounts");
    expect(all.response.status).toBe(200);
    expectSoundHeadings(all.body);
    expect(all.body).toContain("3 accounts");
    const found = await admin.get("/admin/accounts?q=car");
    expect(found.body).toContain("@cara");
    expect(found.body).not.toContain("@bob<");
  });

  it("suspends after a confirmation with a reason, ending sessions and sign-in, and unsuspends", async () => {
    const cara = await signedIn(copse, "cara");
    expect((await cara.get("/profile/edit")).response.status).toBe(200);

    const confirm = await admin.get(`/admin/accounts/${ids.cara}/suspend`);
    expect(confirm.body).toContain("Suspend @cara?");
    const blank = await admin.post(`/admin/accounts/${ids.cara}/suspend`, { reason: "" });
    expect(blank.response.status).toBe(422);
    expect(blank.body).toContain("Enter why you are suspending it");

    const done = await admin.post(`/admin/accounts/${ids.cara}/suspend`, { reason: "Spam" });
    expect(done.response.status).toBe(303);
    expect((await admin.get(`/admin/accounts/${ids.cara}`)).body).toContain("Spam");
    expect((await cara.get("/profile/edit")).response.status).toBe(303);
    const again = await new WebClient(copse.origin).post("/signin", {
      login: "cara",
      password: TEST_PASSWORD,
    });
    expect(again.response.status).toBe(403);
    expect(again.body).toContain("suspended");

    await admin.post(`/admin/accounts/${ids.cara}/unsuspend`, {});
    await signedIn(copse, "cara");
  });

  it("refuses to suspend yourself or revoke the last administrator", async () => {
    const self = await admin.post(`/admin/accounts/${ids.ada}/suspend`, { reason: "Test" });
    expect(self.response.status).toBe(409);
    const revoke = await admin.post(`/admin/accounts/${ids.ada}/revoke-admin`, {});
    expect(revoke.response.status).toBe(409);
    expect(revoke.body).toContain("last administrator");

    expect((await admin.post(`/admin/accounts/${ids.bob}/make-admin`, {})).response.status).toBe(
      303,
    );
    const bob = await signedIn(copse, "bob");
    expect((await bob.get("/admin/accounts")).response.status).toBe(200);
    await admin.post(`/admin/accounts/${ids.bob}/revoke-admin`, {});
    expect((await bob.get("/admin/accounts")).response.status).toBe(403);
  });
});
