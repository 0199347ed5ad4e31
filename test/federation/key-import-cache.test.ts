import { exportJwk, importJwk } from "@fedify/fedify";
import { describe, expect, it } from "vitest";
import { cachePrivateKeyImports } from "../../src/federation/key-import-cache.ts";
import { rsaKeyPair } from "../../src/federation/keys.ts";

// Fedify imports a delivery's private key from JWK for every delivery it sends; with the
// cache installed (as every federation does), the same key comes back as the same CryptoKey.
describe("cached private key imports", () => {
  it("returns the CryptoKey it made before for the same private JWK, and signs with it", async () => {
    cachePrivateKeyImports();
    const pair = await rsaKeyPair();
    const jwk = await exportJwk(pair.privateKey);
    const first = await importJwk(jwk, "private");
    const again = await importJwk(structuredClone(jwk), "private");
    expect(again).toBe(first);
    const data = new TextEncoder().encode("(request-target): post /inbox");
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", again, data);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", pair.publicKey, signature, data)).toBe(
      true,
    );
  });

  it("keeps different keys apart, and leaves public keys to be imported afresh", async () => {
    cachePrivateKeyImports();
    const [a, b] = await Promise.all([rsaKeyPair(), rsaKeyPair()]);
    const keyA = await importJwk(await exportJwk(a.privateKey), "private");
    const keyB = await importJwk(await exportJwk(b.privateKey), "private");
    expect(keyB).not.toBe(keyA);
    const publicJwk = await exportJwk(a.publicKey);
    expect(await importJwk(publicJwk, "public")).not.toBe(await importJwk(publicJwk, "public"));
  });
});
