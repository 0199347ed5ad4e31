import { describe, expect, it } from "vitest";
import { signInWithIdentity } from "../../src/domain/account/identities.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.example";
const ISSUER = "https://id.council.example";

describe("signInWithIdentity", () => {
  it("refuses a verified stranger when accounts are not created at first sign-in", async () => {
    const db = freshDb();
    const outcome = await signInWithIdentity(
      db,
      ORIGIN,
      { issuer: ISSUER, subject: "s1", email: "new@council.example", emailVerified: true },
      { createAccounts: false, emailDomains: [] },
    );
    expect(outcome).toMatchObject({ refused: "no-account" });
  });

  it("refuses a suspended account, and picks a free handle for a new one", async () => {
    const db = freshDb();
    const kim = await createAccount(db, ORIGIN, {
      handle: "kim",
      email: "kim@council.example",
      password: "a long enough password",
    });
    db.$client.prepare("UPDATE accounts SET suspended_at = 1 WHERE id = ?").run(kim.id);
    const policy = { createAccounts: true, emailDomains: ["council.example"] };
    const suspended = await signInWithIdentity(
      db,
      ORIGIN,
      { issuer: ISSUER, subject: "kim", email: "kim@council.example", emailVerified: true },
      policy,
    );
    expect(suspended).toMatchObject({ refused: "suspended" });
    // "kim" is taken, so the other Kim gets kim2.
    const other = await signInWithIdentity(
      db,
      ORIGIN,
      { issuer: ISSUER, subject: "kim-b", email: "kim@other.council.example", emailVerified: true },
      { ...policy, emailDomains: [] },
    );
    expect(other).toMatchObject({ how: "created", account: { actor: { handle: "kim2" } } });
  });
});
