import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCommunity } from "../../src/domain/communities.ts";
import { memberServerRule } from "../../src/domain/member-servers.ts";
import type { WebClient } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { signedIn } from "../helpers/sign-in.ts";

describe("the members' servers setting of a private community", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;

  beforeAll(async () => {
    copse = await startTestInstance("Settings");
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn(copse, "alice");
    bob = await signedIn(copse, "bob");
  });
  afterAll(() => copse?.close());

  it("says which servers honour private addressing and saves the facilitator's choice", async () => {
    const page = await alice.get("/c/vault/settings");
    expect(page.body).toContain("Lemmy and");
    expect(page.body).toContain("NodeBB do not honour private addressing");
    expect((await alice.get("/c/garden/settings")).body).not.toContain("Members on other servers");

    const saved = await alice.post("/c/vault/settings/member-servers", {
      "member-servers": "copse",
      "allowed-servers": "Social.Example.org\nsocial.example.org",
    });
    expect(saved.response.status).toBe(303);
    const vault = findCommunity(copse.db, "vault")!;
    expect(memberServerRule(copse.db, vault.actor.id)).toEqual({
      mode: "copse",
      allowed: ["social.example.org"],
    });
    expect((await alice.get("/c/vault/settings")).body).toContain("social.example.org</textarea>");
  });

  it("refuses a bad server name and anyone but a facilitator", async () => {
    const bad = await alice.post("/c/vault/settings/member-servers", {
      "member-servers": "copse",
      "allowed-servers": "https://evil/path",
    });
    expect(bad.response.status).toBe(422);
    expect(bad.body).toContain("is not a server name");
    const refused = await bob.post("/c/vault/settings/member-servers", {
      "member-servers": "anywhere",
      "allowed-servers": "",
    });
    expect([403, 404]).toContain(refused.response.status);
    expect(memberServerRule(copse.db, findCommunity(copse.db, "vault")!.actor.id)?.mode).toBe(
      "copse",
    );
  });
});
