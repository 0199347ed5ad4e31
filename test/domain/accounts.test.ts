import { describe, expect, it } from "vitest";
import {
  accountForSession,
  authenticate,
  createAccount,
  createSession,
  deleteSession,
  passwordProblems,
  purgeExpiredSessions,
} from "../../src/domain/accounts.ts";
import { ThrottledError, ValidationError } from "../../src/domain/errors.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";
const PASSWORD = "correct horse battery";

describe("accounts", () => {
  it("makes an account admin only when asked (never for being first) and creates its Person actor", async () => {
    const db = freshDb();
    const first = await createAccount(db, ORIGIN, {
      handle: "Alice",
      email: "Alice@Example.org",
      password: PASSWORD,
    });
    const second = await createAccount(db, ORIGIN, {
      handle: "bob",
      email: "bob@example.org",
      password: PASSWORD,
      admin: true,
    });
    expect(first.isAdmin).toBe(false);
    expect(second.isAdmin).toBe(true);
    expect(first.actor.handle).toBe("alice");
    expect(first.email).toBe("alice@example.org");
    expect(first.actor.iri).toBe(`${ORIGIN}/ap/actors/alice`);
    expect(first.actor.type).toBe("Person");
  });

  it("collects every problem with a sign-up", async () => {
    const db = freshDb();
    await createAccount(db, ORIGIN, {
      handle: "alice",
      email: "alice@example.org",
      password: PASSWORD,
    });
    const attempt = createAccount(db, ORIGIN, {
      handle: "alice",
      email: "alice@example.org",
      password: "alice12345",
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    const fields = await attempt.catch((e: ValidationError) => e.errors.map((x) => x.field));
    expect(fields).toEqual(["handle", "email", "password"]);
  });

  it("refuses reserved and malformed handles", async () => {
    const db = freshDb();
    for (const handle of ["admin", "instance", "a", "-x", "has space", "x".repeat(31)]) {
      await expect(
        createAccount(db, ORIGIN, { handle, email: `${handle.length}@e.org`, password: PASSWORD }),
      ).rejects.toThrow(/Handle must be|reserved/);
    }
  });

  it("judges passwords by length and guessability", () => {
    expect(passwordProblems("short", "alice", "a@e.org")).toHaveLength(1);
    expect(passwordProblems("password123", "alice", "a@e.org")[0]).toMatch(/too easy/);
    expect(passwordProblems("aaaaaaaaaaaa", "alice", "a@e.org")[0]).toMatch(/too easy/);
    expect(passwordProblems("my alice password", "alice", "a@e.org")[0]).toMatch(/too easy/);
    expect(passwordProblems(PASSWORD, "alice", "a@e.org")).toEqual([]);
  });

  it("authenticates by handle or email and throttles after five failures", async () => {
    const db = freshDb();
    await createAccount(db, ORIGIN, {
      handle: "alice",
      email: "alice@example.org",
      password: PASSWORD,
    });
    expect((await authenticate(db, "@alice", PASSWORD, "1.2.3.4"))?.actor.handle).toBe("alice");
    expect((await authenticate(db, "ALICE@example.org", PASSWORD, "1.2.3.4"))?.actor.handle).toBe(
      "alice",
    );
    const now = Date.now();
    for (let i = 0; i < 5; i++)
      expect(await authenticate(db, "alice", "wrong", "1.2.3.4", now)).toBeUndefined();
    await expect(authenticate(db, "alice", PASSWORD, "1.2.3.4", now)).rejects.toBeInstanceOf(
      ThrottledError,
    );
    // After the window the right password works again.
    expect(await authenticate(db, "alice", PASSWORD, "1.2.3.4", now + 16 * 60_000)).toBeDefined();
  });

  it("keeps sessions server-side, expires and deletes them", async () => {
    const db = freshDb();
    const account = await createAccount(db, ORIGIN, {
      handle: "alice",
      email: "alice@example.org",
      password: PASSWORD,
    });
    const now = Date.now();
    const token = createSession(db, account.id, now);
    expect(accountForSession(db, token, now)?.id).toBe(account.id);
    expect(accountForSession(db, `${token}x`, now)).toBeUndefined();
    expect(accountForSession(db, token, now + 31 * 86_400_000)).toBeUndefined();
    const other = createSession(db, account.id, now);
    deleteSession(db, other);
    expect(accountForSession(db, other, now)).toBeUndefined();
    createSession(db, account.id, now - 40 * 86_400_000);
    expect(purgeExpiredSessions(db, now)).toBe(1);
  });
});
