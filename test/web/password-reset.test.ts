import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { signedIn } from "../helpers/sign-in.ts";
import { latestMailTo } from "../helpers/sign-up.ts";

// "Forgot your password?" over HTTP and the mail outbox: the form answers the same whether or
// not the address has an account; the link sets a new password once and ends other sessions.

/** The path of the reset link in the newest mail to an address. */
function resetPathFor(copse: TestInstance, email: string): string {
  const text = latestMailTo(copse.db, email)?.text ?? "";
  const link = /https?:\/\/\S+\/password\/reset\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];
  if (!link) throw new Error(`No reset link was queued for ${email}`);
  return new URL(link).pathname;
}

describe("resetting a forgotten password", () => {
  let copse: TestInstance;

  beforeAll(async () => {
    copse = await startTestInstance("Resetbury");
    await copse.createUser("ada", { admin: true });
    await copse.createUser("bob");
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("is linked from the sign-in page and answers the same for unknown addresses", async () => {
    const web = new WebClient(copse.origin);
    expect((await web.get("/signin")).body).toContain('href="/password/forgot"');
    const known = await web.post("/password/forgot", { email: "bob@resetbury.example" });
    const unknown = await web.post("/password/forgot", { email: "nobody@resetbury.example" });
    expect(known.response.status).toBe(200);
    expect(unknown.response.status).toBe(200);
    const scrub = (body: string, email: string) =>
      body.replaceAll(email, "EMAIL").replace(/name="_csrf" value="[^"]+"/g, "");
    expect(scrub(unknown.body, "nobody@resetbury.example")).toBe(
      scrub(known.body, "bob@resetbury.example"),
    );
    expect(latestMailTo(copse.db, "nobody@resetbury.example")).toBeUndefined();
  });

  it("sets a new password with the link once, signs out elsewhere and keeps the password rules", async () => {
    const elsewhere = await signedIn(copse, "bob");
    const web = new WebClient(copse.origin);
    await web.post("/password/forgot", { email: "bob@resetbury.example" });
    const path = resetPathFor(copse, "bob@resetbury.example");

    const page = await web.get(path);
    expect(page.response.status).toBe(200);
    expect(page.response.headers.get("referrer-policy")).toBe("no-referrer");
    const weak = await web.post(path, { password: "short" });
    expect(weak.response.status).toBe(422);

    const done = await web.post(path, { password: "a brand new passphrase" });
    expect(done.response.status).toBe(303);
    expect((await web.get("/profile/edit")).response.status).toBe(200);
    expect((await elsewhere.get("/profile/edit")).response.status).toBe(303);
    expect((await web.post(path, { password: "another passphrase" })).response.status).toBe(404);

    const old = await new WebClient(copse.origin).post("/signin", {
      login: "bob",
      password: TEST_PASSWORD,
    });
    expect(old.response.status).toBe(422);
  });

  it("lets an administrator send a link from the account's page", async () => {
    const admin = await signedIn(copse, "ada");
    const list = await admin.get("/admin/accounts?q=bob");
    const id = /\/admin\/accounts\/(\d+)"/.exec(list.body)?.[1];
    const sent = await admin.post(`/admin/accounts/${id}/password-reset`, {});
    expect(sent.response.status).toBe(303);
    expect(latestMailTo(copse.db, "bob@resetbury.example")?.text).toContain("An administrator");
    expect(
      (await new WebClient(copse.origin).get(resetPathFor(copse, "bob@resetbury.example"))).response
        .status,
    ).toBe(200);
  });
});
