// Kept responses that stay right while the database is unchanged: each is stored with the
// database's change stamp (src/db/generation.ts) at the time it was made and served again only
// while the stamp is the same and it is younger than a few seconds. Bounded in count and size;
// the least recently served go first.

/** A kept response: its body and the headers worth sending again. */
export interface KeptResponse {
  body: string;
  headers: [string, string][];
}

interface Entry extends KeptResponse {
  stamp: string;
  keptAt: number;
}

/** Responses kept by key while the database is unchanged (see above). */
export class StampedCache {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  /** The stamp of the newest response kept, so older ones can be let go at once. */
  #stamp: string | null = null;

  /** Keeps at most `maxEntries` responses and `maxBytes` of bodies (counted in characters). */
  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /**
   * The response kept under `key`, if it was made at `stamp` less than `maxAgeMs` ago (never
   * when the stamp is null: the database could not say it is unchanged).
   */
  get(key: string, stamp: string | null, maxAgeMs: number): KeptResponse | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || stamp === null) return undefined;
    if (entry.stamp !== stamp || Date.now() - entry.keptAt >= maxAgeMs) {
      this.#forget(key);
      return undefined;
    }
    // Served again, so it moves to the end of the map: the least recently served go first.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  /**
   * Keeps a response made at `stamp`; one larger than a sixteenth of the budget is not kept,
   * nor one made without a stamp.
   */
  set(key: string, stamp: string | null, response: KeptResponse): void {
    if (stamp === null || response.body.length > this.maxBytes / 16) return;
    // A response made at another stamp can never be served again (get() asks for the current
    // one), but it would stay until pushed out by size: on a busy instance, where every post
    // moves the stamp, that was the whole budget (16 MB of pages) held by dead entries. So a
    // new stamp lets the others go. Two requests racing with an older and a newer stamp can
    // only make pages be rendered again, never a stale one served.
    if (stamp !== this.#stamp) {
      for (const [other, entry] of this.#entries) if (entry.stamp !== stamp) this.#forget(other);
      this.#stamp = stamp;
    }
    this.#forget(key);
    this.#entries.set(key, { ...response, stamp, keptAt: Date.now() });
    this.#bytes += response.body.length;
    while (this.#entries.size > this.maxEntries || this.#bytes > this.maxBytes) {
      this.#forget(this.#entries.keys().next().value as string);
    }
  }

  /** How many responses are kept (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  #forget(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#bytes -= entry.body.length;
    this.#entries.delete(key);
  }
}

/** The named headers of a response, to be sent again with a kept copy of it. */
export function keptHeaders(response: Response, names: readonly string[]): [string, string][] {
  return names.flatMap((name): [string, string][] => {
    const value = response.headers.get(name);
    return value === null ? [] : [[name, value]];
  });
}
