// Contexts fetched from other servers, kept in memory so a burst of activities naming the
// same context costs one fetch. Bounded by bytes as well as by entries: each context may be as
// large as the fetch cap, so a count alone could hold hundreds of megabytes.

interface Entry {
  value: unknown;
  bytes: number;
  expiresAt: number;
}

/** A small least-recently-used map with a byte budget and a time to live per entry. */
export class ContextCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 256,
    private readonly maxBytes = 8 * 1024 * 1024,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value stored for `url`, unless it has expired. */
  get(url: string): unknown {
    const entry = this.entries.get(url);
    if (!entry) return undefined;
    this.entries.delete(url);
    if (entry.expiresAt <= this.now()) {
      this.bytes -= entry.bytes;
      return undefined;
    }
    this.entries.set(url, entry);
    return entry.value;
  }

  /** Stores `value` (of about `bytes` bytes) for `ttlMs`; evicts the least recently used first. */
  set(url: string, value: unknown, bytes: number, ttlMs: number): void {
    if (bytes > this.maxBytes) return;
    const old = this.entries.get(url);
    if (old) {
      this.entries.delete(url);
      this.bytes -= old.bytes;
    }
    this.entries.set(url, { value, bytes, expiresAt: this.now() + ttlMs });
    this.bytes += bytes;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }
}
