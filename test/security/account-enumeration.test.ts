import argon2 from "argon2";
import { count, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { accounts, mailOutbox, signupRequests } from "../../src/db/schema/index.ts";
import { authenticate, createAccount, findAccount } from "../../src/domain/accounts.ts";
import { hashSecretToken } from "../../src/domain/secret-tokens.ts";
import {
  confirmSignUp,
  findPendingSignUp,
  requestSignUp,
  SIGN_UP_LINK_HOURS,
} from "../../src/domain/sign-up.ts";
import { WebClient } from "../helpers/client.ts";
import { freshDb } from "../helpers/db.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { confirmationLinkFor, confirmationLinkIn, latestMailTo } from "../helpers/sign-up.ts";

/** A page with its form tokens blanked: each page masks the token afresh (src/web/auth.ts). */
const withoutFormTokens = (html: string) =>
  html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');

// Attack: finding out who has an account here, by timing sign-in answers (a hash was only
// checked for real accounts) or by reading the sign-up form's errors ("an account with this
// email address already exists"). Handles are public, so "that handle is taken" may be said.

const ORIGIN = "https://copse.test";
const SITE = { origin: ORIGIN, instanceName: "Copse" };
const PASSWORD = "correct horse battery";

describe("account enumeration through sign-in", () => {
  afterEach(() => vi.restoreAllMocks());

  it("checks an unknown login against a dummy argon2 hash with the same parameters", async () => {
    const db = freshDb();
    await createAccount(db, ORIGIN, {
      handle: "dave",
      email: "dave@example.org",
      password: PASSWORD,
    });
    const realHash = db.select().from(accounts).get()!.passwordHash;
    const verify = vi.spyOn(argon2, "verify");

    expect(await authenticate(db, "nobody@example.org", PASSWORD, "192.0.2.1")).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(1);
    const dummy = verify.mock.calls[0]![0];
    // Same algorithm, version, memory, passes and parallelism: the same work as a real check.
    const parameters = (hash: string) => hash.split("$").slice(0, 4).join("$");
    expect(parameters(dummy)).toBe(parameters(realHash));
    expect(dummy).not.toBe(realHash);

    expect(await authenticate(db, "dave", "a wrong guess", "192.0.2.1")).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(2);
    expect(verify.mock.calls[1]![0]).toBe(realHash);
  });

  it("never lets the dummy hash sign anyone in", async () => {
    const db = freshDb();
    const verify = vi.spyOn(argon2, "verify");
    // Whatever the dummy hash was made from, a login with no account gets nowhere.
    expect(await authenticate(db, "ghost", "", "192.0.2.1")).toBeUndefined();
    expect(await authenticate(db, "ghost", PASSWORD, "192.0.2.2")).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(2);
  });
});

describe("account enumeration through sign-up (domain)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("does the same work for a taken address as for a new one, and tells only the owner", async () => {
    const db = freshDb();
    await createAccount(db, ORIGIN, {
      handle: "dave",
      email: "dave@example.org",
      password: PASSWORD,
    });
    const hash = vi.spyOn(argon2, "hash");

    const taken = await requestSignUp(db, SITE, {
      handle: "mallory",
      email: "Dave@Example.org",
      password: "a perfectly fine passphrase",
    });
    const fresh = await requestSignUp(db, SITE, {
      handle: "erin",
      email: "erin@example.org",
      password: "a perfectly fine passphrase",
    });
    expect(taken).toEqual({ email: "dave@example.org" });
    expect(fresh).toEqual({ email: "erin@example.org" });
    expect(hash).toHaveBeenCalledTimes(2);

    const note = latestMailTo(db, "dave@example.org")!;
    expect(note.subject).toBe("Someone tried to sign up to Copse with your address");
    expect(note.text).toContain("It already has an account: @dave.");
    expect(note.text).toContain(`${ORIGIN}/signin`);
    expect(confirmationLinkIn(note.text)).toBeUndefined();
    expect(
      db.select().from(signupRequests).where(eq(signupRequests.email, "dave@example.org")).all(),
    ).toEqual([]);

    const invitation = latestMailTo(db, "erin@example.org")!;
    expect(invitation.subject).toBe("Confirm your email address for Copse");
    expect(confirmationLinkIn(invitation.text)).toBeDefined();
  });

  it("keeps only a hash of the link, which works once and expires", async () => {
    const db = freshDb();
    const now = Date.now();
    await requestSignUp(
      db,
      SITE,
      { handle: "erin", email: "erin@example.org", password: "a perfectly fine passphrase" },
      now,
    );
    const token = confirmationLinkFor(db, "erin@example.org").split("/").pop()!;
    const row = db.select().from(signupRequests).get()!;
    expect(row.tokenHash).toBe(hashSecretToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);

    const expiry = now + SIGN_UP_LINK_HOURS * 3_600_000;
    expect(findPendingSignUp(db, token, expiry - 1)?.handle).toBe("erin");
    expect(findPendingSignUp(db, token, expiry)).toBeUndefined();
    expect(confirmSignUp(db, ORIGIN, token, expiry)).toEqual({ reason: "invalid" });
    expect(findAccount(db, "erin")).toBeUndefined();

    // A new sign-up sends a new link; the old one is gone for good, the new one works once.
    await requestSignUp(
      db,
      SITE,
      { handle: "erin", email: "erin@example.org", password: "a perfectly fine passphrase" },
      now,
    );
    const fresh = confirmationLinkFor(db, "erin@example.org").split("/").pop()!;
    expect(fresh).not.toBe(token);
    const account = confirmSignUp(db, ORIGIN, fresh, now + 1000);
    expect("reason" in account).toBe(false);
    expect(findAccount(db, "erin")?.isAdmin).toBe(false);
    expect(confirmSignUp(db, ORIGIN, fresh, now + 2000)).toEqual({ reason: "invalid" });
  });

  it("creates nothing when the handle was taken while the link waited", async () => {
    const db = freshDb();
    const input = { email: "erin@example.org", password: "a perfectly fine passphrase" };
    await requestSignUp(db, SITE, { handle: "erin", ...input });
    const token = confirmationLinkFor(db, "erin@example.org").split("/").pop()!;
    await createAccount(db, ORIGIN, {
      handle: "erin",
      email: "other@example.org",
      password: PASSWORD,
    });
    expect(confirmSignUp(db, ORIGIN, token)).toEqual({ reason: "handle-taken", handle: "erin" });
    expect(findAccount(db, "erin@example.org")).toBeUndefined();
  });
});

describe("account enumeration through the sign-up and sign-in forms", () => {
  let copse: TestInstance;
  const mails = () => copse.db.select({ n: count() }).from(mailOutbox).get()!.n;

  beforeAll(async () => {
    copse = await startTestInstance("Enumeration");
    await copse.createUser("rowan", { admin: true });
    await copse.createUser("dave");
  });
  afterAll(() => copse?.close());

  it("answers a sign-up with a taken address exactly as one with a new address", async () => {
    const daveEmail = findAccount(copse.db, "dave")!.email;
    const web = new WebClient(copse.origin);
    const before = mails();
    const taken = await web.post("/signup", {
      name: "Mallory",
      handle: "mallory",
      email: daveEmail,
      password: "a perfectly fine passphrase",
    });
    const fresh = await web.post("/signup", {
      name: "Mallory",
      handle: "mallory",
      email: "mallory@elsewhere.example",
      password: "a perfectly fine passphrase",
    });
    expect(taken.response.status).toBe(200);
    expect(fresh.response.status).toBe(200);
    expect(withoutFormTokens(taken.body).replaceAll(daveEmail, "ADDRESS")).toBe(
      withoutFormTokens(fresh.body).replaceAll("mallory@elsewhere.example", "ADDRESS"),
    );
    expect(taken.body).not.toMatch(/already exists|already has an account/);
    expect(mails()).toBe(before + 2);
    expect(latestMailTo(copse.db, daveEmail)!.subject).toMatch(/Someone tried to sign up/);
    expect(findAccount(copse.db, "mallory")).toBeUndefined();
  });

  it("says a handle is taken (handles are public) without a word about the address", async () => {
    const web = new WebClient(copse.origin);
    const { response, body } = await web.post("/signup", {
      handle: "dave",
      email: findAccount(copse.db, "dave")!.email,
      password: "a perfectly fine passphrase",
    });
    expect(response.status).toBe(422);
    expect(body).toContain("The handle &quot;dave&quot; is already taken");
    expect(body).not.toContain('href="#email"');
  });

  it("gives an unconfirmed sign-up the same sign-in answer as a wrong password", async () => {
    const web = new WebClient(copse.origin);
    await web.post("/signup", {
      handle: "pending_pat",
      email: "pat@elsewhere.example",
      password: "a perfectly fine passphrase",
    });
    const guesser = new WebClient(copse.origin);
    const unconfirmed = await guesser.post("/signin", {
      login: "pending_pat",
      password: "a perfectly fine passphrase",
    });
    const unknown = await guesser.post("/signin", {
      login: "pending_pot",
      password: "a perfectly fine passphrase",
    });
    expect(unconfirmed.response.status).toBe(422);
    expect(withoutFormTokens(unconfirmed.body).replaceAll("pending_pat", "LOGIN")).toBe(
      withoutFormTokens(unknown.body).replaceAll("pending_pot", "LOGIN"),
    );
    expect(unconfirmed.body).not.toMatch(/confirm|resend/i);
  });
});
