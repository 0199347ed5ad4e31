import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, sessions } from "../../src/db/schema/index.ts";
import { findAccount } from "../../src/domain/accounts.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { confirmationLinkFor, latestMailTo, signUpAndConfirm } from "../helpers/sign-up.ts";

describe("accounts on the web", () => {
  let copse: TestInstance;
  const accountCount = () => copse.db.select({ n: count() }).from(accounts).get()!.n;

  beforeAll(async () => {
    copse = await startTestInstance("Web");
    // Sign-up opens once the instance has an administrator.
    await copse.createUser("rowan", { admin: true });
  });
  afterAll(() => copse?.close());

  it("signs up, confirms the address by the mailed link and signs the person in", async () => {
    const web = new WebClient(copse.origin);
    const before = accountCount();
    const form = await web.post("/signup", {
      name: "Alice Adams",
      handle: "alice",
      email: "alice@council.example",
      password: "a perfectly fine passphrase",
    });
    expect(form.response.status).toBe(200);
    expect(form.body).toContain("<title>Check your email");
    expect(form.body).toContain("<strong>alice@council.example</strong>");
    // No account until the link is used, so nobody can sign in with it yet.
    expect(accountCount()).toBe(before);
    expect(web.cookie("copse_session")).toBeUndefined();
    const early = await new WebClient(copse.origin).post("/signin", {
      login: "alice",
      password: "a perfectly fine passphrase",
    });
    expect(early.response.status).toBe(422);
    expect(early.body).toContain("The handle, email address or password is not right");

    const mail = latestMailTo(copse.db, "alice@council.example")!;
    expect(mail.subject).toBe("Confirm your email address for Web");
    const link = new URL(confirmationLinkFor(copse.db, "alice@council.example"));
    const page = await web.get(link.pathname);
    expect(page.response.status).toBe(200);
    expect(page.response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.body).toContain("<title>Confirm your email address");
    expect(page.body).toContain("@alice");
    expect(accountCount()).toBe(before); // opening the link (as a mail scanner might) creates nothing

    const { response } = await web.post(link.pathname, {});
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/profile/edit");
    const session = response.headers.getSetCookie().find((c) => c.startsWith("copse_session="));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/); // the origin is http here
    expect(findAccount(copse.db, "alice")?.isAdmin).toBe(false);
    const home = await web.get("/");
    // A brand-new person is welcomed as new and shown how to start, not "welcome back".
    expect(home.body).toMatch(/Welcome to [^<]+, Alice Adams\. Here is how to get started\./);
    expect(home.body).toContain("Complete your profile");
    expect(home.body).toContain("Communities you could join");

    // The link works once.
    const again = await new WebClient(copse.origin).post(link.pathname, {});
    expect(again.response.status).toBe(404);
    expect(again.body).toContain("This link does not work");
    expect(accountCount()).toBe(before + 1);
  });

  it("refuses a form without its CSRF token and changes nothing", async () => {
    const web = new WebClient(copse.origin);
    const before = accountCount();
    const { response, body } = await web.post(
      "/signup",
      { handle: "mallory", email: "m@evil.example", password: "a perfectly fine passphrase" },
      { csrf: false },
    );
    expect(response.status).toBe(403);
    expect(body).toMatch(/nothing was changed/);
    expect(accountCount()).toBe(before);
  });

  it("refuses a form posted from another site even with a token", async () => {
    const web = new WebClient(copse.origin);
    const before = accountCount();
    const { response } = await web.post(
      "/signup",
      { handle: "mallory", email: "m@evil.example", password: "a perfectly fine passphrase" },
      { headers: { origin: "https://evil.example" } },
    );
    expect(response.status).toBe(403);
    expect(accountCount()).toBe(before);
  });

  it("shows every sign-up error in place and keeps what was typed", async () => {
    const web = new WebClient(copse.origin);
    const before = accountCount();
    const { response, body } = await web.post("/signup", {
      name: "Someone",
      handle: "alice",
      email: "not-an-email",
      password: "short",
    });
    expect(response.status).toBe(422);
    expect(body).toContain("<title>Error: Create an account");
    expect(body).toContain("The handle &quot;alice&quot; is already taken");
    expect(body).toContain("Enter an email address like");
    expect(body).toContain("Password must be at least 10 characters long");
    expect(body).toContain('value="not-an-email"');
    expect(body).not.toContain("short"); // passwords are never echoed back
    expect(accountCount()).toBe(before);
  });

  it("rejects a wrong password, then throttles repeated guesses", async () => {
    await signUpAndConfirm(new WebClient(copse.origin), copse.db, {
      name: "Bob",
      handle: "bob",
      email: "bob@council.example",
      password: "a long passphrase for him",
    });
    expect(findAccount(copse.db, "bob")?.isAdmin).toBe(false);

    const guesser = new WebClient(copse.origin);
    const wrong = await guesser.post("/signin", { login: "bob", password: "not the password" });
    expect(wrong.response.status).toBe(422);
    expect(wrong.body).toContain("The handle, email address or password is not right");
    expect(guesser.cookie("copse_session")).toBeUndefined();
    for (let i = 0; i < 4; i++)
      await guesser.post("/signin", { login: "bob", password: `guess ${i}` });
    const throttled = await guesser.post("/signin", {
      login: "bob",
      password: "a long passphrase for him",
    });
    expect(throttled.response.status).toBe(429);
    expect(throttled.response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(throttled.body).toMatch(/Too many attempts/);
    expect(guesser.cookie("copse_session")).toBeUndefined();
  });

  it("signs in with the email address, returns to the page asked for, and signs out", async () => {
    const web = new WebClient(copse.origin);
    const signIn = await web.post("/signin", {
      login: "alice@council.example",
      password: "a perfectly fine passphrase",
      return: "/communities",
    });
    expect(signIn.response.status).toBe(303);
    expect(signIn.response.headers.get("location")).toBe("/communities");
    const sessionsBefore = copse.db.select({ n: count() }).from(sessions).get()!.n;
    const out = await web.post("/signout", {});
    expect(out.response.status).toBe(303);
    expect(copse.db.select({ n: count() }).from(sessions).get()!.n).toBe(sessionsBefore - 1);
    const edit = await web.get("/profile/edit");
    expect(edit.response.status).toBe(303);
    expect(edit.response.headers.get("location")).toBe("/signin?return=%2Fprofile%2Fedit");
  });

  it("never redirects off-site after sign-in", async () => {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", {
      login: "alice",
      password: "a perfectly fine passphrase",
      return: "//evil.example/phish",
    });
    expect(response.headers.get("location")).toBe("/");
  });

  it("refuses bodies over the limit with 413", async () => {
    const web = new WebClient(copse.origin);
    const before = accountCount();
    const { response } = await web.post("/signup", {
      handle: "huge",
      email: "huge@council.example",
      password: "a perfectly fine passphrase",
      name: "x".repeat(1024 * 1024 + 10),
    });
    expect(response.status).toBe(413);
    expect(accountCount()).toBe(before);
  });
});

describe("sign-in throttling behind a reverse proxy", () => {
  let copse: TestInstance;
  beforeAll(async () => {
    copse = await startTestInstance("Proxied", { COPSE_TRUST_PROXY: "true" });
    await copse.createUser("zoe");
  });
  afterAll(() => copse?.close());

  it("counts failures per forwarded client, so one guesser cannot lock everyone out", async () => {
    const guesser = new WebClient(copse.origin);
    const asGuesser = { headers: { "x-forwarded-for": "203.0.113.9" } };
    for (let i = 0; i < 20; i++) {
      await guesser.post("/signin", { login: `nobody${i}`, password: "wrong guess" }, asGuesser);
    }
    const blocked = await guesser.post(
      "/signin",
      { login: "zoe", password: TEST_PASSWORD },
      asGuesser,
    );
    expect(blocked.response.status).toBe(429);

    // Another person behind the same proxy still gets in.
    const colleague = new WebClient(copse.origin);
    const ok = await colleague.post(
      "/signin",
      { login: "zoe", password: TEST_PASSWORD },
      { headers: { "x-forwarded-for": "198.51.100.7" } },
    );
    expect(ok.response.status).toBe(303);
  });
});
