/**
 * A store of results kept by key and reused: `kept(key, compute)` returns the result kept for
 * `key`, or computes and keeps it. At most `maxEntries` are kept, all forgotten at once when
 * that many are (simpler than an LRU; the keys worth keeping come back at once). For pure work
 * that costs more than a map look-up and whose keys repeat across requests, such as formatting
 * a date in a time zone.
 */
export function keptResults<K, V>(maxEntries: number): (key: K, compute: () => V) => V {
  const kept = new Map<K, V>();
  return (key, compute) => {
    const known = kept.get(key);
    if (known !== undefined) return known;
    const value = compute();
    if (kept.size >= maxEntries) kept.clear();
    kept.set(key, value);
    return value;
  };
}
