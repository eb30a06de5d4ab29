import type { Clock } from '@cimd/core';

/**
 * A token bucket on an injected clock: holds at most `burst` tokens, refills at `perMinute`
 * tokens a minute, starts full. Taking a token never waits; it succeeds or it does not.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.updatedAt = clock.now();
  }

  /** Whether a token is available now (refilling first). Takes nothing. */
  available(): boolean {
    this.refill();
    return this.tokens >= 1;
  }

  /** Take one token; call only after {@link available} said yes. */
  take(): void {
    this.tokens -= 1;
  }

  /** Whether the bucket is full, i.e. forgetting it would change nothing. */
  full(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.clock.now();
    // A clock that steps backwards refills nothing (and never drains).
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = Math.max(now, this.updatedAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perMinute) / 60_000);
  }
}
