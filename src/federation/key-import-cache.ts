// Fedify keeps a sender's private keys in each queued delivery as JWK and imports them again
// for every delivery it sends: for a post to a thousand servers, a thousand imports of the same
// RSA key, about a tenth of the cost of the signature itself, and Fedify has no option to
// avoid it. Copse wraps SubtleCrypto.importKey once so that a private JWK imported before
// returns the CryptoKey it gave then. A CryptoKey cannot be changed after it is made, so
// sharing one is safe; public keys (other servers') and other formats pass straight through.

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

/** Makes repeated imports of the same private JWK return the same CryptoKey; idempotent. */
export function cachePrivateKeyImports(): void {
  if (installed) return;
  installed = true;
  const subtle = globalThis.crypto.subtle;
  const original = subtle.importKey.bind(subtle) as AnyImport;
  const cached = (...args: ImportArgs): Promise<CryptoKey> => {
    const [format, keyData, algorithm, extractable, usages] = args;
    if (format !== "jwk" || typeof (keyData as JsonWebKey).d !== "string") return original(...args);
    const id = JSON.stringify([keyData, algorithm, extractable, usages]);
    let key = imported.get(id);
    if (!key) {
      if (imported.size >= MAX_KEYS) imported.clear();
      key = original(...args);
      // A failed import is not remembered: the next call tries again and sees the error.
      key.catch(() => imported.delete(id));
      imported.set(id, key);
    }
    return key;
  };
  subtle.importKey = cached as unknown as ImportKey;
}
