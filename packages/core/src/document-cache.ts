import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from './clock.js';

/**
 * One validated client metadata document as cached (draft-03 §5.2, R36). Plain serialisable data
 * only (strings and numbers), so that a Redis or PostgreSQL store can hold it as JSON.
 *
 * The cache keeps the document text, not the parsed metadata: the text is the most compact form
 * (one string instead of a tree of objects), and the resolver judges the text it reads back, so an
 * entry from a shared store is never trusted blindly and is always judged by the reader's current
 * rules, including the check that its `client_id` is the one asked for. (The resolver remembers
 * its verdicts on the texts it read most recently, reused only for the identical text.)
 */
export interface CachedDocument {
  /** The document text as fetched (UTF-8 decoded). Only documents that passed validation. */
  readonly body: string;
  /** Digest of the raw body bytes, `sha256:` and base64url, for change detection. */
  readonly digest: string;
  /** When the origin last confirmed this document: a 200, or a 304 to a conditional request. */
  readonly fetchedAt: number;
  /** Until when the document may be used without asking the origin again. */
  readonly freshUntil: number;
  /**
   * Until when the entry is of any use (the end of its stale-grace window; at least
   * `freshUntil`). A store may drop the entry after this instant; the resolver never uses it after.
   */
  readonly staleUntil: number;
  /** Validators for conditional revalidation, as the origin sent them. */
  readonly etag?: string;
  readonly lastModified?: string;
}

/**
 * Where validated documents are kept between requests, keyed by the client_id exactly as written
 * (R8). Cache, not storage: losing an entry only costs a fetch. Only validated documents ever
 * enter it; errors and invalid documents never do (R39, R40).
 *
 * Contract for implementations (memory, Redis, PostgreSQL):
 * - `get` returns what the last `set` stored for the key, or `undefined` (never an entry past its
 *   `staleUntil`, though the resolver checks that too);
 * - `set` replaces the entry for the key; it may decline to keep it (size limits, eviction);
 * - `delete` removes it; deleting a missing key is not an error;
 * - a failure rejects the promise; the resolver reports it as `cache-unavailable`.
 */
export interface DocumentCache {
  get(clientId: string): Promise<CachedDocument | undefined>;
  set(clientId: string, entry: CachedDocument): Promise<void>;
  delete(clientId: string): Promise<void>;
}

/** Bounds of the in-memory cache: whichever is reached first evicts the least recently used. */
export interface MemoryDocumentCacheOptions {
  /** Most entries (default 10,000). */
  readonly maxEntries: number;
  /**
   * Most bytes, as estimated by {@link estimateEntryBytes} (default 32 MiB). An entry larger than
   * an eighth of this is not kept at all.
   */
  readonly maxBytes: number;
  /** Time source for `staleUntil` (default the system clock). */
  readonly clock: Clock;
}

export const DEFAULT_MEMORY_DOCUMENT_CACHE_OPTIONS: Omit<MemoryDocumentCacheOptions, 'clock'> = {
  maxEntries: 10_000,
  maxBytes: 32 * 1024 * 1024,
};

/** An in-memory {@link DocumentCache} with `size` for tests and metrics. */
export interface MemoryDocumentCache extends DocumentCache {
  /** Entries held now (including any past `staleUntil` not yet looked at). */
  readonly size: number;
  /** Estimated bytes held now. */
  readonly bytes: number;
}

/**
 * Object and map overhead of one entry beyond its strings, in bytes: measured with
 * `bench/resolver-memory.bench.ts` (Node 20, 64-bit, no pointer compression) and rounded up.
 */
const ENTRY_OVERHEAD_BYTES = 288;

/**
 * Approximate heap bytes of one entry: its strings (one byte per character when every character
 * is Latin-1, as V8 stores them, else two) plus a fixed overhead.
 */
export function estimateEntryBytes(clientId: string, entry: CachedDocument): number {
  let bytes = ENTRY_OVERHEAD_BYTES;
  for (const s of [clientId, entry.body, entry.digest, entry.etag, entry.lastModified]) {
    if (s !== undefined) bytes += stringBytes(s);
  }
  return bytes;
}

function stringBytes(s: string): number {
  // eslint-disable-next-line no-control-regex -- the point is to find characters beyond Latin-1
  return /[^\u0000-\u00ff]/.test(s) ? 2 * s.length : s.length;
}

/** A bounded in-memory {@link DocumentCache} (least recently used first out). */
export function createMemoryDocumentCache(options: Partial<MemoryDocumentCacheOptions> = {}): MemoryDocumentCache {
  const { maxEntries, maxBytes } = { ...DEFAULT_MEMORY_DOCUMENT_CACHE_OPTIONS, ...options };
  const clock = options.clock ?? systemClock;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError('maxBytes must be a positive integer');
  // lru-cache's own TTL is not used: it reads its own clock, and treats a start time of 0 as "no
  // TTL". `staleUntil` is checked here with the injected clock instead.
  const lru = new LRUCache<string, CachedDocument>({
    max: maxEntries,
    maxSize: maxBytes,
    maxEntrySize: Math.max(1, Math.floor(maxBytes / 8)),
    sizeCalculation: (entry, key) => estimateEntryBytes(key, entry),
  });
  return {
    get size() {
      return lru.size;
    },
    get bytes() {
      return lru.calculatedSize;
    },
    get(clientId) {
      const entry = lru.get(clientId);
      if (entry !== undefined && clock.now() >= entry.staleUntil) {
        lru.delete(clientId);
        return Promise.resolve(undefined);
      }
      return Promise.resolve(entry);
    },
    set(clientId, entry) {
      // An oversized entry is refused by lru-cache, which also drops any older entry for the key.
      lru.set(clientId, entry);
      return Promise.resolve();
    },
    delete(clientId) {
      lru.delete(clientId);
      return Promise.resolve();
    },
  };
}
