import { describe, expect, it } from "vitest";
import {
  acceptInvitation,
  findInvitation,
  INVITATION_DAYS,
  invite,
} from "../../../src/domain/account/invitations.ts";
import { createAccount } from "../../../src/domain/accounts.ts";
import { createCommunity } from "../../../src/domain/communities.ts";
import { ForbiddenError, ValidationError } from "../../../src/domain/errors.ts";
import { findMembership } from "../../../src/domain/membership.ts";
import { freshDb } from "../../helpers/db.ts";
import { latestMailTo } from "../../helpers/sign-up.ts";

const SITE = { origin: "https://copse.test", instanceName: "Copse Test" };
const PASSWORD = "correct horse battery";

/** The token in the newest invitation mailed to an address. */
function tokenFor(db: ReturnType<typeof freshDb>, email: string): string {
  const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(latestMailTo(db, email)?.text ?? "")?.[1];
  if (!token) throw new Error(`No invitation was mailed to ${email}`);
  return token;
}

async function world() {
  const db = freshDb();
  const make = (handle: string, admin = false) =>
    createAccount(db, SITE.origin, {
      handle,
      email: `${handle}@council.example`,
      password: PASSWORD,
      admin,
    });
  const ada = await make("ada", true);
  const fay = await make("fay");
  const bob = await make("bob");
  const planning = createCommunity(db, SITE.origin, {
    handle: "planning",
    name: "Planning",
    description: "",
    visibility: "private",
    ownerActorId: fay.actor.id,
  }).actor;
  return { db, ada, fay, bob, planning };
}

describe("invitations", () => {
  it("lets a facilitator invite into a private community; the link creates an active member once", async () => {
    const { db, fay, planning } = await world();
    invite(db, SITE, { email: "New@Person.example", inviter: fay, group: planning });
    const token = tokenFor(db, "new@person.example");
    expect(findInvitation(db, token)?.group?.id).toBe(planning.id);

    const account = await acceptInvitation(db, SITE.origin, token, {
      handle: "newbie",
      name: "New Person",
      password: "a long new passphrase",
    });
    expect(account?.email).toBe("new@person.example");
    expect(findMembership(db, planning.id, account!.actor.id)?.state).toBe("active");
    expect(
      await acceptInvitation(db, SITE.origin, token, {
        handle: "again",
        name: "",
        password: "a long new passphrase",
      }),
    ).toBeUndefined();
  });

  it("refuses people who do not run the community, and only administrators invite to the instance", async () => {
    const { db, ada, bob, planning } = await world();
    expect(() => invite(db, SITE, { email: "x@y.example", inviter: bob, group: planning })).toThrow(
      ForbiddenError,
    );
    expect(() => invite(db, SITE, { email: "x@y.example", inviter: bob, group: null })).toThrow(
      ForbiddenError,
    );
    expect(latestMailTo(db, "x@y.example")).toBeUndefined();
    invite(db, SITE, { email: "x@y.example", inviter: ada, group: null });
    expect(latestMailTo(db, "x@y.example")?.text).toMatch(/\/invite\//);
  });

  it("refuses an expired link, and keeps a used-up one's form errors from spending it", async () => {
    const { db, fay, planning } = await world();
    const then = Date.now();
    invite(db, SITE, { email: "late@x.example", inviter: fay, group: planning }, then);
    const token = tokenFor(db, "late@x.example");
    const weak = acceptInvitation(db, SITE.origin, token, {
      handle: "late",
      name: "",
      password: "short",
    });
    await expect(weak).rejects.toThrow(ValidationError);
    expect(findInvitation(db, token)).toBeDefined();
    const later = then + INVITATION_DAYS * 86_400_000 + 1;
    expect(
      await acceptInvitation(
        db,
        SITE.origin,
        token,
        { handle: "late", name: "", password: "a long new passphrase" },
        later,
      ),
    ).toBeUndefined();
  });

  it("sends an address that already has an account a note, not a link", async () => {
    const { db, fay, planning } = await world();
    const answer = invite(db, SITE, {
      email: "bob@council.example",
      inviter: fay,
      group: planning,
    });
    expect(answer).toBe("bob@council.example");
    const mail = latestMailTo(db, "bob@council.example");
    expect(mail?.text).toContain("already has an account");
    expect(mail?.text).not.toMatch(/\/invite\//);
  });
});
