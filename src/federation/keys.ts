// Actors' signing keys. Fedify's generateCryptoKeyPair makes 4,096-bit RSA keys, which take
// about a second to make and sign six to seven times slower than 2,048-bit ones (`npm run bench
// -- signing`); every delivery is signed, so the key size sets the ceiling on fan-out. Copse
// makes 2,048-bit keys, the size Mastodon uses, within NIST's guidance through 2030.

/** A new RSASSA-PKCS1-v1_5 key pair with SHA-256, 2,048 bits unless told otherwise. */
export async function rsaKeyPair(bits = 2048): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: bits,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
}
