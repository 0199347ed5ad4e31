import { readFileSync } from "node:fs";
import { rsaKeyPair } from "../../src/federation/keys.ts";

// RSA key pairs for the signed foreign servers of the tests. Making a 2,048-bit key searches for
// two large primes: 80-300 ms of CPU apiece on the 2-core test machine, and the suite's fake
// servers need hundreds of them (the fixture sweep alone some sixty). These 256 were made once
// (node:crypto's generateKeyPair("rsa", { modulusLength: 2048 }), kept as PKCS #8 DER in
// base64) for tests only: they sign nothing outside this repository. Each is handed out at most once per
// process, so no two actors a test sees ever share a key (a forged signature must still fail);
// when the pool runs out, fresh keys are made as before.

const POOL_PATH = new URL("../fixtures/rsa-test-keys.json", import.meta.url);

let pool: string[] | undefined;
let next = 0;

/** An RSASSA-PKCS1-v1_5 SHA-256 key pair, 2,048 bits, that no other caller in this process got. */
export async function testRsaKeyPair(): Promise<CryptoKeyPair> {
  pool ??= JSON.parse(readFileSync(POOL_PATH, "utf8")) as string[];
  const der = pool[next];
  if (der === undefined) return rsaKeyPair();
  next += 1;
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const privateKey = await crypto.subtle.importKey(
    "pkcs8",
    Buffer.from(der, "base64"),
    algorithm,
    true,
    ["sign"],
  );
  // The public half is the private key's modulus and exponent, read back through its JWK.
  const { n, e } = await crypto.subtle.exportKey("jwk", privateKey);
  const publicKey = await crypto.subtle.importKey(
    "jwk",
    { kty: "RSA", n, e, alg: "RS256", ext: true },
    algorithm,
    true,
    ["verify"],
  );
  return { privateKey, publicKey };
}
