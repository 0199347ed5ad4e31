import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountIdentities, accounts } from "../../src/db/schema/index.ts";
import { findAccount } from "../../src/domain/accounts.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { startTestIdp, type TestIdp, throughIdp } from "../helpers/oidc-idp.ts";

describe("sign-in through an OpenID Connect provider", () => {
  let idp: TestIdp;
  let copse: TestInstance;

  beforeAll(async () => {
    idp = await startTestIdp();
    copse = await startTestInstance(
      "Council",
      idp.env({ COPSE_OIDC_CREATE_ACCOUNTS: "true", COPSE_OIDC_EMAIL_DOMAINS: "council.example" }),
    );
    idp.allowRedirect(`${copse.origin}/signin/oidc/callback`);
    await copse.createUser("rowan", { admin: true });
  });
  afterAll(async () => {
    await copse?.close();
    await idp?.close();
  });

  /** Clicks the button, signs in at the provider as `login`, and follows the redirect back. */
  async function signInAs(login: string, returnTo = "/") {
    const web = new WebClient(copse.origin);
    const started = await web.get(`/signin/oidc?return=${encodeURIComponent(returnTo)}`);
    expect(started.response.status).toBe(303);
    const back = await throughIdp(
      new WebClient(idp.issuer),
      started.response.headers.get("location")!,
      login,
    );
    expect(back.origin + back.pathname).toBe(`${copse.origin}/signin/oidc/callback`);
    const done = await web.get(back.pathname + back.search);
    return { web, back, done };
  }

  const identitiesFor = (accountId: number) =>
    copse.db
      .select()
      .from(accountIdentities)
      .where(eq(accountIdentities.accountId, accountId))
      .all();

  it("shows the button on the sign-in page", async () => {
    const { body } = await new WebClient(copse.origin).get("/signin");
    expect(body).toContain('href="/signin/oidc?return=%2F"');
    expect(body).toContain("Sign in with Test Council ID");
  });

  it("sends the browser to the provider with PKCE, state and nonce", async () => {
    const web = new WebClient(copse.origin);
    const { response } = await web.get("/signin/oidc?return=%2Fcommunities");
    const url = new URL(response.headers.get("location")!);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("state")).toBeTruthy();
    expect(url.searchParams.get("nonce")).toBeTruthy();
    expect(url.searchParams.get("redirect_uri")).toBe(`${copse.origin}/signin/oidc/callback`);
    // The verifier stays in this browser's cookie, never in the URL.
    expect(web.cookie("copse_oidc")).toBeTruthy();
  });

  it("creates an account at first sign-in and signs the person in", async () => {
    idp.people.set("carol-sub", {
      email: "Carol.Jones@council.example",
      email_verified: true,
      name: "Carol Jones",
      preferred_username: "carol.jones",
    });
    const { web, done } = await signInAs("carol-sub", "/communities");
    expect(done.response.status).toBe(303);
    expect(done.response.headers.get("location")).toBe("/communities");
    expect(web.cookie("copse_session")).toBeTruthy();
    const account = findAccount(copse.db, "carol.jones@council.example")!;
    expect(account.actor.handle).toBe("carol_jones");
    expect(account.actor.name).toBe("Carol Jones");
    expect(account.isAdmin).toBe(false);
    expect(identitiesFor(account.id)).toMatchObject([{ issuer: idp.issuer, subject: "carol-sub" }]);
    const home = await web.get("/");
    expect(home.body).toContain("was made from your Test Council ID sign-in");

    // The second time the same subject signs in to the same account, whatever its address says.
    idp.people.set("carol-sub", { email: "carol@council.example", email_verified: true });
    const again = await signInAs("carol-sub");
    expect(again.done.response.status).toBe(303);
    expect(again.web.cookie("copse_session")).toBeTruthy();
    expect(
      copse.db.select().from(accounts).where(eq(accounts.email, "carol@council.example")).get(),
    ).toBeUndefined();
  });

  it("links to an existing account by an address the provider has verified", async () => {
    const dave = await copse.createUser("dave");
    idp.people.set("dave-sub", { email: dave.email.toUpperCase(), email_verified: true });
    const { web, done } = await signInAs("dave-sub");
    expect(done.response.status).toBe(303);
    expect(identitiesFor(dave.id)).toMatchObject([{ subject: "dave-sub" }]);
    const me = await web.get("/");
    expect(me.body).toContain("is now linked to this account");
    expect(me.body).toContain("/people/dave");
  });

  it("refuses to link or create when the provider has not verified the address", async () => {
    const erin = await copse.createUser("erin");
    for (const claim of [false, "true", undefined]) {
      idp.people.set("erin-sub", { email: erin.email, email_verified: claim });
      const { web, done } = await signInAs("erin-sub");
      expect(done.response.status).toBe(403);
      expect(done.body).toContain("did not confirm your email address");
      expect(web.cookie("copse_session")).toBeUndefined();
    }
    expect(identitiesFor(erin.id)).toEqual([]);
    idp.people.set("fay-sub", { email: "fay@council.example", email_verified: false });
    await signInAs("fay-sub");
    expect(findAccount(copse.db, "fay@council.example")).toBeUndefined();
  });

  it("refuses addresses outside the allowed domains", async () => {
    idp.people.set("gus-sub", { email: "gus@elsewhere.example", email_verified: true });
    const { web, done } = await signInAs("gus-sub");
    expect(done.response.status).toBe(403);
    expect(done.body).toContain("an email address this instance does not accept");
    expect(web.cookie("copse_session")).toBeUndefined();
    expect(findAccount(copse.db, "gus@elsewhere.example")).toBeUndefined();
  });

  it("refuses a callback whose state is not this browser's", async () => {
    idp.people.set("hal-sub", { email: "hal@council.example", email_verified: true });
    const web = new WebClient(copse.origin);
    const started = await web.get("/signin/oidc");
    const back = await throughIdp(
      new WebClient(idp.issuer),
      started.response.headers.get("location")!,
      "hal-sub",
    );
    const forged = new URL(back);
    forged.searchParams.set("state", "not-the-state-we-sent");
    const refused = await web.get(forged.pathname + forged.search);
    expect(refused.response.status).toBe(400);
    expect(refused.body).toContain("Signing in did not complete");
    expect(web.cookie("copse_session")).toBeUndefined();

    // A callback arriving in another browser (login CSRF: someone else's code) is refused too,
    // even with the right state.
    const web2 = new WebClient(copse.origin);
    const started2 = await web2.get("/signin/oidc");
    const back2 = await throughIdp(
      new WebClient(idp.issuer),
      started2.response.headers.get("location")!,
      "hal-sub",
    );
    const stranger = new WebClient(copse.origin);
    const elsewhere = await stranger.get(back2.pathname + back2.search);
    expect(elsewhere.response.status).toBe(400);
    expect(stranger.cookie("copse_session")).toBeUndefined();
    expect(findAccount(copse.db, "hal@council.example")).toBeUndefined();
  });

  it("sends people back only to paths on this site", async () => {
    const web = new WebClient(copse.origin);
    await web.get("/signin/oidc?return=%2F%2Fevil.example%2F");
    const pending = JSON.parse(Buffer.from(web.cookie("copse_oidc")!, "base64url").toString());
    expect(pending.returnTo).toBe("/");
  });
});
