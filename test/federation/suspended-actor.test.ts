import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { suspendAccount, unsuspendAccount } from "../../src/domain/admin/accounts.ts";
import { ACTIVITY_JSON } from "../helpers/fake-peer.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";

// A suspended person is gone as far as other servers can tell: their actor document and
// WebFinger answer 410 Gone, and they come back when the suspension is lifted.

describe("a suspended person's actor", () => {
  let copse: TestInstance;

  beforeAll(async () => {
    copse = await startTestInstance("Goneford");
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("answers 410 while suspended and 200 again afterwards", async () => {
    const ada = await copse.createUser("ada", { admin: true });
    const bob = await copse.createUser("bob");
    const actor = () => fetch(bob.actor.iri, { headers: { accept: ACTIVITY_JSON } });
    const host = new URL(copse.origin).host;
    const finger = () => fetch(`${copse.origin}/.well-known/webfinger?resource=acct:bob@${host}`);
    expect((await actor()).status).toBe(200);

    suspendAccount(copse.db, { by: ada.id, accountId: bob.id, reason: "Spam" });
    const gone = await actor();
    expect(gone.status).toBe(410);
    expect((await gone.json()).type).toBe("Tombstone");
    expect((await finger()).status).toBe(410);

    unsuspendAccount(copse.db, bob.id);
    expect((await actor()).status).toBe(200);
    expect((await finger()).status).toBe(200);
  });
});
