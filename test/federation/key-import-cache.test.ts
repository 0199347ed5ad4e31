import { exportJwk, importJwk } from "@fedify/fedify";
import { exportSpki, importPem } from "@fedify/vocab-runtime";
import { describe, expect, it } from "vitest";
import { cacheKeyImports } from "../../src/federation/key-import-cache.ts";
import { testRsaKeyPair as rsaKeyPair } from "../helpers/test-keys.ts";

// Fedify imports a delivery's private key from JWK for every delivery it sends; with the
// cache installed (as every federation does), the same key comes back as the same CryptoKey.
describe("cached key imports", () => {
  it("returns the CryptoKey it made before for the same private JWK, and signs with it", async () => {
    cacheKeyImports();
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

  it("keeps different keys apart, and leaves public JWKs to be imported afresh", async () => {
    cacheKeyImports();
    const [a, b] = await Promise.all([rsaKeyPair(), rsaKeyPair()]);
    const keyA = await importJwk(await exportJwk(a.privateKey), "private");
    const keyB = await importJwk(await exportJwk(b.privateKey), "private");
    expect(keyB).not.toBe(keyA);
    const publicJwk = await exportJwk(a.publicKey);
    expect(await importJwk(publicJwk, "public")).not.toBe(await importJwk(publicJwk, "public"));
  });

  it("returns the same public key for the same PEM, a different one for another, and verifies", async () => {
    cacheKeyImports();
    const [a, b] = await Promise.all([rsaKeyPair(), rsaKeyPair()]);
    const pemA = await exportSpki(a.publicKey);
    const first = await importPem(pemA);
    expect(await importPem(pemA)).toBe(first);
    expect(await importPem(await exportSpki(b.publicKey))).not.toBe(first);
    const data = new TextEncoder().encode("(request-target): post /inbox");
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", a.privateKey, data);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", first, signature, data)).toBe(true);
  });
});
