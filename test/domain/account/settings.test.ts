import { describe, expect, it } from "vitest";
import {
  changePassword,
  confirmEmailChange,
  EMAIL_CHANGE_HOURS,
  findEmailChange,
  requestEmailChange,
} from "../../../src/domain/account/settings.ts";
import {
  accountForSession,
  authenticate,
  createAccount,
  createSession,
} from "../../../src/domain/accounts.ts";
import { ThrottledError, ValidationError } from "../../../src/domain/errors.ts";
import { freshDb } from "../../helpers/db.ts";
import { latestMailTo } from "../../helpers/sign-up.ts";

const SITE = { origin: "https://copse.test", instanceName: "Copse Test" };
const PASSWORD = "correct horse battery";

/** The token in the newest address-confirmation mail to an address. */
function tokenFor(db: ReturnType<typeof freshDb>, email: string): string {
  const text = latestMailTo(db, email)?.text ?? "";
  const token = /\/account\/email\/confirm\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  if (!token) throw new Error(`No confirmation link was mailed to ${email}`);
  return token;
}

async function world() {
  const db = freshDb();
  const bob = await createAccount(db, SITE.origin, {
    handle: "bob",
    email: "bob@council.example",
    password: PASSWORD,
  });
  const cat = await createAccount(db, SITE.origin, {
    handle: "cat",
    email: "cat@council.example",
    password: PASSWORD,
  });
  return { db, bob, cat };
}

describe("changing a password from the account page", () => {
  it("needs the current password, keeps this session, ends the others and tells the owner", async () => {
    const { db, bob } = await world();
    const mine = createSession(db, bob.id);
    const other = createSession(db, bob.id);
    const input = { accountId: bob.id, clientKey: "10.0.0.1", keepToken: mine };
    await expect(
      changePassword(db, SITE, { ...input, current: "wrong password!", next: "a new passphrase" }),
    ).rejects.toThrow(ValidationError);
    expect(await authenticate(db, "bob", PASSWORD, "10.0.0.2")).toBeDefined();

    await changePassword(db, SITE, { ...input, current: PASSWORD, next: "a new passphrase" });
    expect(accountForSession(db, mine)?.id).toBe(bob.id);
    expect(accountForSession(db, other)).toBeUndefined();
    expect(await authenticate(db, "bob", "a new passphrase", "10.0.0.3")).toBeDefined();
    expect(latestMailTo(db, "bob@council.example")?.subject).toMatch(/password .* was changed/);
  });

  it("refuses a weak new password and leaves the old one working", async () => {
    const { db, bob } = await world();
    const error = await changePassword(db, SITE, {
      accountId: bob.id,
      clientKey: "10.0.0.1",
      current: PASSWORD,
      next: "short",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors[0]?.field).toBe("new-password");
    expect(await authenticate(db, "bob", PASSWORD, "10.0.0.2")).toBeDefined();
  });

  it("counts wrong current passwords like sign-ins, so a borrowed session cannot guess it", async () => {
    const { db, bob } = await world();
    const attempt = () =>
      changePassword(db, SITE, {
        accountId: bob.id,
        clientKey: "10.0.0.9",
        current: "a wrong guess",
        next: "a new passphrase",
      });
    for (let i = 0; i < 5; i++) await expect(attempt()).rejects.toThrow(ValidationError);
    await expect(attempt()).rejects.toThrow(ThrottledError);
  });
});

describe("changing an email address", () => {
  it("changes it only when the link mailed to the new address is used, once, and tells the old one", async () => {
    const { db, bob } = await world();
    const before = latestMailTo(db, "bob@council.example")?.id ?? 0;
    await requestEmailChange(db, SITE, {
      accountId: bob.id,
      current: PASSWORD,
      newEmail: " Bob@NewCouncil.example ",
      clientKey: "10.0.0.1",
    });
    const token = tokenFor(db, "bob@newcouncil.example");
    expect(findEmailChange(db, token)?.newEmail).toBe("bob@newcouncil.example");
    expect(await authenticate(db, "bob@council.example", PASSWORD, "10.0.0.2")).toBeDefined();

    const done = confirmEmailChange(db, SITE, token);
    expect(done).toEqual({ accountId: bob.id, newEmail: "bob@newcouncil.example" });
    expect(await authenticate(db, "bob@newcouncil.example", PASSWORD, "10.0.0.2")).toBeDefined();
    const notice = latestMailTo(db, "bob@council.example");
    expect(notice?.id).toBeGreaterThan(before);
    expect(notice?.text).toContain("bob@newcouncil.example");

    expect(confirmEmailChange(db, SITE, token)).toEqual({ reason: "invalid" });
  });

  it("refuses an expired link and keeps the old address", async () => {
    const { db, bob } = await world();
    const then = Date.now();
    await requestEmailChange(
      db,
      SITE,
      { accountId: bob.id, current: PASSWORD, newEmail: "late@x.example", clientKey: "1" },
      then,
    );
    const token = tokenFor(db, "late@x.example");
    const later = then + EMAIL_CHANGE_HOURS * 3_600_000 + 1;
    expect(findEmailChange(db, token, later)).toBeUndefined();
    expect(confirmEmailChange(db, SITE, token, later)).toEqual({ reason: "invalid" });
    expect(await authenticate(db, "bob@council.example", PASSWORD, "2")).toBeDefined();
  });

  it("only lets the newest link work", async () => {
    const { db, bob } = await world();
    const ask = (newEmail: string) =>
      requestEmailChange(db, SITE, {
        accountId: bob.id,
        current: PASSWORD,
        newEmail,
        clientKey: "1",
      });
    await ask("first@x.example");
    const first = tokenFor(db, "first@x.example");
    await ask("second@x.example");
    expect(confirmEmailChange(db, SITE, first)).toEqual({ reason: "invalid" });
    expect("accountId" in confirmEmailChange(db, SITE, tokenFor(db, "second@x.example"))).toBe(
      true,
    );
  });

  it("mails a note, not a link, to an address another account has, and the page cannot tell", async () => {
    const { db, bob } = await world();
    const answer = await requestEmailChange(db, SITE, {
      accountId: bob.id,
      current: PASSWORD,
      newEmail: "cat@council.example",
      clientKey: "1",
    });
    expect(answer).toBe("cat@council.example");
    const mail = latestMailTo(db, "cat@council.example");
    expect(mail?.text).toContain("already belongs to another account");
    expect(mail?.text).not.toMatch(/\/account\/email\/confirm\//);
  });

  it("needs the current password and a real address", async () => {
    const { db, bob } = await world();
    await expect(
      requestEmailChange(db, SITE, {
        accountId: bob.id,
        current: "not my password",
        newEmail: "new@x.example",
        clientKey: "1",
      }),
    ).rejects.toThrow(ValidationError);
    await expect(
      requestEmailChange(db, SITE, {
        accountId: bob.id,
        current: PASSWORD,
        newEmail: "not an address",
        clientKey: "1",
      }),
    ).rejects.toThrow(ValidationError);
    expect(latestMailTo(db, "new@x.example")).toBeUndefined();
  });
});
