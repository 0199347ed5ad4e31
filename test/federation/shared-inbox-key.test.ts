import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INSTANCE_ACTOR } from "../../src/domain/paths.ts";
import { sharedInboxKey } from "../../src/federation/inbox/shared-key.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";

let copse: TestInstance;
beforeAll(async () => {
  copse = await startTestInstance("SharedKey");
});
afterAll(async () => {
  await copse.close();
});

describe("the key that signs fetches made for shared-inbox deliveries", () => {
  it("is the instance actor's published RSA key, looked up once", async () => {
    const ctx = copse.ctx();
    const key = await sharedInboxKey(ctx);
    if (!("keyId" in key)) throw new Error("expected a key pair, not an identifier");
    const published = (await ctx.getActorKeyPairs(INSTANCE_ACTOR)).find(
      (p) => p.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5",
    )!;
    expect(key.keyId.href).toBe(published.keyId.href);
    expect(key.keyId.href).toBe(`${ctx.getActorUri(INSTANCE_ACTOR).href}#main-key`);
    // What it signs verifies against the public key the instance actor publishes.
    const data = new TextEncoder().encode("(request-target): get /users/rosa");
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key.privateKey, data);
    expect(
      await crypto.subtle.verify("RSASSA-PKCS1-v1_5", published.publicKey, signature, data),
    ).toBe(true);
    const again = await sharedInboxKey(copse.ctx());
    expect("keyId" in again && again.privateKey).toBe(key.privateKey);
  });
});
