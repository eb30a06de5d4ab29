import type { PublicJwk } from '@cimd/core';

/** One client key set fetched from a jwks_uri, validated, with its HTTP freshness. */
export interface CachedKeySet {
  readonly keys: readonly PublicJwk[];
  readonly fetchedAt: number;
  readonly freshUntil: number;
}

/**
 * Key sets fetched from `jwks_uri`s, keyed by the URI exactly as written, bounded in entries
 * (least recently used first out). Cache, not storage: a lost entry costs one fetch. Only
 * validated key sets enter it; fetch failures and invalid sets never do (like R39, R40).
 */
export class JwksCache {
  readonly #entries = new Map<string, CachedKeySet>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The entry while it is fresh at `now`; a stale one is dropped. */
  fresh(uri: string, now: number): CachedKeySet | undefined {
    const entry = this.#entries.get(uri);
    if (entry === undefined) return undefined;
    this.#entries.delete(uri);
    if (entry.freshUntil <= now) return undefined;
    this.#entries.set(uri, entry); // most recently used last
    return entry;
  }

  set(uri: string, entry: CachedKeySet): void {
    this.#entries.delete(uri);
    this.#entries.set(uri, entry);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
