import { describe, expect, it } from "vitest";
import {
  accountForSession,
  authenticate,
  createAccount,
  createSession,
} from "../../src/domain/accounts.ts";
import { suspendAccount } from "../../src/domain/admin/accounts.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import {
  findPasswordReset,
  PASSWORD_RESET_HOURS,
  requestPasswordReset,
  resetPassword,
  sendPasswordReset,
} from "../../src/domain/password-reset.ts";
import { freshDb } from "../helpers/db.ts";
import { latestMailTo } from "../helpers/sign-up.ts";

const SITE = { origin: "https://copse.test", instanceName: "Copse Test" };
const PASSWORD = "correct horse battery";

/** The token in the newest reset mail to an address. */
function resetTokenFor(db: ReturnType<typeof freshDb>, email: string): string {
  const text = latestMailTo(db, email)?.text ?? "";
  const token = /\/password\/reset\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  if (!token) throw new Error(`No reset link was mailed to ${email}`);
  return token;
}

async function world() {
  const db = freshDb();
  const ada = await createAccount(db, SITE.origin, {
    handle: "ada",
    email: "ada@council.example",
    password: PASSWORD,
    admin: true,
  });
  const bob = await createAccount(db, SITE.origin, {
    handle: "bob",
    email: "bob@council.example",
    password: PASSWORD,
  });
  return { db, ada, bob };
}

describe("password reset", () => {
  it("mails a single-use link that sets a new password and ends every session", async () => {
    const { db, bob } = await world();
    const session = createSession(db, bob.id);
    requestPasswordReset(db, SITE, { email: " BOB@council.example ", clientKey: "c1" });
    const token = resetTokenFor(db, "bob@council.example");
    expect(findPasswordReset(db, token)?.handle).toBe("bob");

    await expect(resetPassword(db, token, "short")).rejects.toThrow(ValidationError);
    // A refused password leaves the link working.
    expect(findPasswordReset(db, token)).toBeDefined();

    expect(await resetPassword(db, token, "a brand new passphrase")).toBe(bob.id);
    expect(accountForSession(db, session)).toBeUndefined();
    expect(await authenticate(db, "bob", PASSWORD, "c1")).toBeUndefined();
    expect((await authenticate(db, "bob", "a brand new passphrase", "c1"))?.id).toBe(bob.id);
    expect(await resetPassword(db, token, "another new passphrase")).toBeUndefined();
  });

  it("sends nothing for an unknown or suspended address, and links expire", async () => {
    const { db, ada, bob } = await world();
    requestPasswordReset(db, SITE, { email: "nobody@council.example", clientKey: "c1" });
    expect(latestMailTo(db, "nobody@council.example")).toBeUndefined();

    const now = Date.now();
    expect(sendPasswordReset(db, SITE, bob.id, now)).toBe(true);
    const token = resetTokenFor(db, "bob@council.example");
    expect(latestMailTo(db, "bob@council.example")?.text).toContain("An administrator");
    expect(
      findPasswordReset(db, token, now + PASSWORD_RESET_HOURS * 3_600_000 + 1),
    ).toBeUndefined();

    suspendAccount(db, { by: ada.id, accountId: bob.id, reason: "Left the council" });
    expect(findPasswordReset(db, token, now)).toBeUndefined();
    expect(sendPasswordReset(db, SITE, bob.id, now)).toBe(false);
  });

  it("only the newest link works", async () => {
    const { db, bob } = await world();
    sendPasswordReset(db, SITE, bob.id);
    const first = resetTokenFor(db, "bob@council.example");
    sendPasswordReset(db, SITE, bob.id);
    const second = resetTokenFor(db, "bob@council.example");
    expect(findPasswordReset(db, first)).toBeUndefined();
    expect(findPasswordReset(db, second)).toBeDefined();
  });
});
