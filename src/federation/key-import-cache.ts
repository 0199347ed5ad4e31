// Fedify keeps a sender's private keys in each queued delivery as JWK and imports them again
// for every delivery it sends: for a post to a thousand servers, a thousand imports of the same
// RSA key, about a tenth of the cost of the signature itself, and Fedify has no option to
// avoid it. Copse wraps SubtleCrypto.importKey once so that a private JWK imported before
// returns the CryptoKey it gave then. Likewise for other servers' public keys in SPKI form:
// Fedify keeps them in its key cache as documents and imports the key again for every
// incoming activity it verifies. A CryptoKey cannot be changed after it is made, so sharing
// one is safe, and each is found by the exact bytes it was made from; other formats pass
// straight through.

type ImportKey = SubtleCrypto["importKey"];
/** importKey's arguments, all overloads at once. */
type ImportArgs = [
  format: KeyFormat,
  keyData: JsonWebKey | BufferSource,
  algorithm: Parameters<ImportKey>[2],
  extractable: boolean,
  usages: KeyUsage[],
];
type AnyImport = (...args: ImportArgs) => Promise<CryptoKey>;

const imported = new Map<string, Promise<CryptoKey>>();
/** More private keys than a large instance has actors; past it the cache starts afresh. */
const MAX_KEYS = 20_000;
let installed = false;

/** Makes repeated imports of the same private JWK or public SPKI return the same CryptoKey; idempotent. */
export function cacheKeyImports(): void {
  if (installed) return;
  installed = true;
  const subtle = globalThis.crypto.subtle;
  const original = subtle.importKey.bind(subtle) as AnyImport;
  const cached = (...args: ImportArgs): Promise<CryptoKey> => {
    const [format, keyData, algorithm, extractable, usages] = args;
    const id = cacheId(format, keyData);
    if (id === undefined) return original(...args);
    const cacheKey = JSON.stringify([id, algorithm, extractable, usages]);
    let key = imported.get(cacheKey);
    if (!key) {
      if (imported.size >= MAX_KEYS) imported.clear();
      key = original(...args);
      // A failed import is not remembered: the next call tries again and sees the error.
      key.catch(() => imported.delete(cacheKey));
      imported.set(cacheKey, key);
    }
    return key;
  };
  subtle.importKey = cached as unknown as ImportKey;
}

/** What identifies a key to import, for the formats that are cached; undefined otherwise. */
function cacheId(format: KeyFormat, keyData: JsonWebKey | BufferSource): unknown {
  if (format === "jwk") {
    return typeof (keyData as JsonWebKey).d === "string" ? keyData : undefined;
  }
  if (format !== "spki") return undefined;
  const bytes = ArrayBuffer.isView(keyData)
    ? Buffer.from(keyData.buffer, keyData.byteOffset, keyData.byteLength)
    : Buffer.from(keyData as ArrayBuffer);
  return `spki:${bytes.toString("base64")}`;
}
