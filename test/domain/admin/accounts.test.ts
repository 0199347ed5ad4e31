import { describe, expect, it } from "vitest";
import {
  accountForSession,
  authenticate,
  createAccount,
  createSession,
} from "../../../src/domain/accounts.ts";
import {
  isSuspendedHandle,
  listAccounts,
  setAdministrator,
  suspendAccount,
  unsuspendAccount,
} from "../../../src/domain/admin/accounts.ts";
import { ConflictError, SuspendedError, ValidationError } from "../../../src/domain/errors.ts";
import { freshDb } from "../../helpers/db.ts";

const ORIGIN = "https://copse.test";
const PASSWORD = "correct horse battery";

async function world() {
  const db = freshDb();
  const ada = await createAccount(db, ORIGIN, {
    handle: "ada",
    email: "ada@council.example",
    password: PASSWORD,
    admin: true,
  });
  const bob = await createAccount(db, ORIGIN, {
    handle: "bob",
    name: "Bob Planning",
    email: "bob@council.example",
    password: PASSWORD,
  });
  return { db, ada, bob };
}

describe("administering accounts", () => {
  it("finds accounts by handle, name or email, a page at a time, treating % and _ literally", async () => {
    const { db } = await world();
    expect(
      listAccounts(db, { query: "planning", page: 1, pageSize: 10 }).accounts.map((a) => a.handle),
    ).toEqual(["bob"]);
    expect(
      listAccounts(db, { query: "@ADA", page: 1, pageSize: 10 }).accounts.map((a) => a.handle),
    ).toEqual(["ada"]);
    expect(listAccounts(db, { query: "council.example", page: 1, pageSize: 10 }).total).toBe(2);
    expect(listAccounts(db, { query: "%", page: 1, pageSize: 10 }).total).toBe(0);
    const second = listAccounts(db, { page: 2, pageSize: 1 });
    expect(second.total).toBe(2);
    expect(second.accounts).toHaveLength(1);
  });

  it("suspends with a reason: sessions end, sign-in is refused, and unsuspending restores it", async () => {
    const { db, ada, bob } = await world();
    const token = createSession(db, bob.id);
    expect(() => suspendAccount(db, { by: ada.id, accountId: bob.id, reason: "  " })).toThrow(
      ValidationError,
    );
    expect(accountForSession(db, token)).toBeDefined();

    const suspended = suspendAccount(db, { by: ada.id, accountId: bob.id, reason: "Spam" });
    expect(suspended.suspensionReason).toBe("Spam");
    expect(accountForSession(db, token)).toBeUndefined();
    expect(isSuspendedHandle(db, "bob")).toBe(true);
    await expect(authenticate(db, "bob", PASSWORD, "test")).rejects.toThrow(SuspendedError);
    // A wrong password says nothing about the suspension.
    await expect(authenticate(db, "bob", "wrong password!", "test")).resolves.toBeUndefined();

    unsuspendAccount(db, bob.id);
    expect(isSuspendedHandle(db, "bob")).toBe(false);
    const back = await authenticate(db, "bob", PASSWORD, "test");
    expect(back?.id).toBe(bob.id);
    expect(
      listAccounts(db, { query: "bob", page: 1, pageSize: 1 }).accounts[0]?.lastSignInAt,
    ).not.toBeNull();
  });

  it("refuses to let an administrator suspend themselves", async () => {
    const { db, ada } = await world();
    expect(() => suspendAccount(db, { by: ada.id, accountId: ada.id, reason: "Oops" })).toThrow(
      ConflictError,
    );
    expect(isSuspendedHandle(db, "ada")).toBe(false);
  });

  it("makes and revokes administrators, but never the last one", async () => {
    const { db, ada, bob } = await world();
    expect(() => setAdministrator(db, ada.id, false)).toThrow(/last administrator/);
    expect(setAdministrator(db, bob.id, true).isAdmin).toBe(true);
    expect(setAdministrator(db, ada.id, false).isAdmin).toBe(false);
    expect(() => setAdministrator(db, bob.id, false)).toThrow(ConflictError);
  });
});
