import argon2 from "argon2";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { authenticate, createAccount } from "../../src/domain/accounts.ts";
import { ThrottledError } from "../../src/domain/errors.ts";
import { WebClient } from "../helpers/client.ts";
import { freshDb } from "../helpers/db.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

// Attack: guessing a password faster than the throttle allows. The limits are 5 attempts per
// account and 20 per client in 15 minutes; these tests check they hold against parallel
// guesses and against naming the same account another way.

const ORIGIN = "https://copse.test";
const PASSWORD = "correct horse battery";

async function withDave() {
  const db = freshDb();
  await createAccount(db, ORIGIN, {
    handle: "dave",
    email: "dave@example.org",
    password: PASSWORD,
  });
  return db;
}

describe("sign-in throttle", () => {
  afterEach(() => vi.restoreAllMocks());

  it("40 concurrent wrong passwords: at most 5 are verified", async () => {
    const db = await withDave();
    const verify = vi.spyOn(argon2, "verify");
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => authenticate(db, "dave", `guess ${i}`, `10.0.0.${i}`)),
    );
    const checked = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter(
      (r) => r.status === "rejected" && r.reason instanceof ThrottledError,
    );
    expect(verify).toHaveBeenCalled(); // the spy sees the checks that were made
    expect(verify.mock.calls.length).toBeLessThanOrEqual(5);
    expect(checked).toHaveLength(5);
    expect(refused).toHaveLength(35);
  });

  it("locking out dave also locks dave@example.org, @dave and DAVE", async () => {
    const db = await withDave();
    const now = Date.now();
    for (let i = 0; i < 5; i++) {
      expect(await authenticate(db, "dave", `guess ${i}`, "192.0.2.1", now)).toBeUndefined();
    }
    for (const login of ["dave", "dave@example.org", "@dave", "DAVE", " Dave@Example.org "]) {
      // The right password, from another client, is still refused while the account is locked.
      await expect(authenticate(db, login, PASSWORD, "198.51.100.2", now)).rejects.toBeInstanceOf(
        ThrottledError,
      );
    }
  });

  it("counts guesses at one account however it is named", async () => {
    const db = await withDave();
    const now = Date.now();
    for (const login of ["dave", "dave@example.org", "@dave", "DAVE", "Dave@Example.org"]) {
      expect(await authenticate(db, login, "wrong guess", "192.0.2.1", now)).toBeUndefined();
    }
    await expect(authenticate(db, "dave", PASSWORD, "192.0.2.9", now)).rejects.toBeInstanceOf(
      ThrottledError,
    );
  });

  it("throttles an unknown login on what was typed, normalised", async () => {
    const db = await withDave();
    const now = Date.now();
    for (let i = 0; i < 5; i++) {
      expect(await authenticate(db, "nobody", `guess ${i}`, `192.0.2.${i}`, now)).toBeUndefined();
    }
    await expect(authenticate(db, "@NoBody", "guess", "192.0.2.99", now)).rejects.toBeInstanceOf(
      ThrottledError,
    );
  });

  it("starts a fresh count of five when the 15-minute window has passed", async () => {
    const db = await withDave();
    const now = Date.now();
    for (let i = 0; i < 5; i++) await authenticate(db, "dave", `guess ${i}`, "192.0.2.1", now);
    const later = now + 16 * 60_000;
    for (let i = 0; i < 4; i++) {
      expect(await authenticate(db, "dave", `again ${i}`, "192.0.2.1", later)).toBeUndefined();
    }
    expect((await authenticate(db, "dave", PASSWORD, "192.0.2.1", later))?.actor.handle).toBe(
      "dave",
    );
    for (let i = 0; i < 5; i++) await authenticate(db, "dave", `more ${i}`, "192.0.2.1", later);
    await expect(authenticate(db, "dave", PASSWORD, "192.0.2.1", later)).rejects.toBeInstanceOf(
      ThrottledError,
    );
  });

  it("lets the right password in after the window, and a success does not count against the client", async () => {
    const db = await withDave();
    const now = Date.now();
    for (let i = 0; i < 5; i++) await authenticate(db, "dave", `guess ${i}`, "192.0.2.1", now);
    const later = now + 16 * 60_000;
    // Twenty-five right sign-ins from one client, more than its limit of 20 attempts.
    for (let i = 0; i < 25; i++) {
      expect((await authenticate(db, "dave", PASSWORD, "192.0.2.1", later))?.actor.handle).toBe(
        "dave",
      );
    }
  });
});

describe("sign-in throttle over HTTP", () => {
  let copse: TestInstance;
  beforeAll(async () => {
    copse = await startTestInstance("Throttle");
    await copse.createUser("dave");
  });
  afterAll(() => copse?.close());

  it("40 concurrent wrong passwords to the form: at most 5 are checked, the rest get 429", async () => {
    const clients = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const web = new WebClient(copse.origin);
        await web.get("/signin");
        return web;
      }),
    );
    const answers = await Promise.all(
      clients.map((web, i) => web.post("/signin", { login: "dave", password: `guess ${i}` })),
    );
    const statuses = answers.map((a) => a.response.status);
    expect(statuses.filter((s) => s === 422)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    const late = await new WebClient(copse.origin).post("/signin", {
      login: "DAVE",
      password: TEST_PASSWORD,
    });
    expect(late.response.status).toBe(429);
  });
});
