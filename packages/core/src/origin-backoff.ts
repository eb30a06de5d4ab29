/**
 * A per-origin failure budget with exponential backoff (H8). After `threshold` consecutive failed
 * fetches from one origin, further fetches to it are refused (`fetch-backoff`) for `baseMs`, then
 * twice as long after each further failure, up to `maxMs`. When the interval has passed, the next
 * fetch is let through as a probe; a success forgets the origin.
 *
 * This is abuse control without caching errors (R39, R40): nothing about the failed response is
 * kept, only a count and a time per origin. Memory is bounded: at most `maxOrigins` origins are
 * tracked, the one that failed least recently is forgotten first.
 *
 * The resolver counts only failures that say something about the origin as a whole (see
 * `DEFAULT_BACKOFF_OPTIONS.countedReasons`), so that nobody can put a shared host into backoff by
 * asking for documents on it that do not exist or do not validate.
 */

export interface OriginBackoffOptions {
  /** Consecutive failures before fetches are refused (default 5). */
  readonly threshold: number;
  /** First refusal interval, in milliseconds (default 30 s). */
  readonly baseMs: number;
  /** Longest refusal interval, in milliseconds (default 10 min). */
  readonly maxMs: number;
  /** Most origins tracked at once (default 10,000). */
  readonly maxOrigins: number;
}

export const DEFAULT_ORIGIN_BACKOFF_OPTIONS: OriginBackoffOptions = {
  threshold: 5,
  baseMs: 30_000,
  maxMs: 10 * 60_000,
  maxOrigins: 10_000,
};

export interface OriginBackoff {
  /** Milliseconds until `origin` may be fetched again; 0 when it may be fetched now. */
  retryAfter(origin: string, now: number): number;
  /** Record a failed fetch from `origin` at `now`. */
  failure(origin: string, now: number): void;
  /** Record a successful fetch from `origin`: its failures are forgotten. */
  success(origin: string): void;
  /** Origins tracked now. */
  readonly size: number;
}

interface OriginState {
  failures: number;
  /** Fetches are refused until this instant (0: not refused). */
  until: number;
}

/** An in-process {@link OriginBackoff}. */
export function createOriginBackoff(options: Partial<OriginBackoffOptions> = {}): OriginBackoff {
  const o: OriginBackoffOptions = { ...DEFAULT_ORIGIN_BACKOFF_OPTIONS, ...options };
  for (const [name, value] of Object.entries(o)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`backoff.${name} must be a positive integer`);
  }
  if (o.baseMs > o.maxMs) throw new RangeError('backoff.baseMs must not exceed backoff.maxMs');
  // A Map iterates in insertion order; re-inserting on every failure keeps the oldest first.
  const origins = new Map<string, OriginState>();
  return {
    get size() {
      return origins.size;
    },
    retryAfter(origin, now) {
      const state = origins.get(origin);
      return state === undefined ? 0 : Math.max(0, state.until - now);
    },
    failure(origin, now) {
      const state = origins.get(origin) ?? { failures: 0, until: 0 };
      state.failures += 1;
      if (state.failures >= o.threshold) {
        // 2^k overflows to Infinity long before k is a problem; min() brings it back.
        const interval = Math.min(o.maxMs, o.baseMs * 2 ** (state.failures - o.threshold));
        state.until = now + interval;
      }
      origins.delete(origin);
      origins.set(origin, state);
      if (origins.size > o.maxOrigins) {
        const oldest = origins.keys().next();
        if (oldest.done !== true) origins.delete(oldest.value);
      }
    },
    success(origin) {
      origins.delete(origin);
    },
  };
}
