import { CimdError, type Clock } from '@cimd/core';
import { TokenBucket } from './token-bucket.js';

/** One budget: how many fetches may run at once, and how many may start per minute. */
export interface BudgetLimits {
  /** Fetches in flight at once. */
  readonly concurrent: number;
  /** Sustained starts per minute (the token bucket's refill rate). */
  readonly perMinute: number;
  /** Starts allowed back to back before the rate applies (the token bucket's size). */
  readonly burst: number;
}

export interface OutboundBudgetLimits {
  /** Per origin (scheme, host, port) of the fetched URL. */
  readonly perOrigin: BudgetLimits;
  /** For the whole fetcher, across origins. */
  readonly global: BudgetLimits;
}

/**
 * Defaults (H8). Metadata is cached (R36–R38), so a healthy server fetches an origin a few times an
 * hour, not a minute; the budgets exist so that a flood of fresh client_ids cannot turn the server
 * into a request cannon against one host or against the network.
 *
 * - Per origin: 2 at once, 30 a minute, bursts of 10. An origin that hosts many client documents
 *   (a CIMD Service, Appendix A) may need more; raise `perOrigin` for it.
 * - Global: 16 at once, 600 a minute (10/s sustained), bursts of 60. Cold fetches cost a few
 *   milliseconds of CPU each (TLS handshake), so this is far below what one core can do.
 *
 * Note that one attacker can use many origins (subdomains); the global budget is what bounds them.
 */
export const DEFAULT_BUDGETS: OutboundBudgetLimits = {
  perOrigin: { concurrent: 2, perMinute: 30, burst: 10 },
  global: { concurrent: 16, perMinute: 600, burst: 60 },
};

interface OriginState {
  inFlight: number;
  readonly bucket: TokenBucket;
}

/**
 * Per-origin and global outbound budgets. {@link acquire} either reserves a fetch at once or
 * throws `fetch-over-budget`; nothing ever queues (H8).
 */
export class OutboundBudget {
  private readonly origins = new Map<string, OriginState>();
  private readonly globalBucket: TokenBucket;
  private globalInFlight = 0;
  /** Forget idle origins when the map reaches this size (then double it): amortised O(1). */
  private sweepAt = 1024;

  constructor(
    private readonly limits: OutboundBudgetLimits,
    private readonly clock: Clock,
  ) {
    this.globalBucket = new TokenBucket(limits.global.perMinute, limits.global.burst, clock);
  }

  /**
   * Reserve one fetch to `origin`. Returns the release function (safe to call more than once).
   * Checks every limit before taking anything, so a refusal costs no budget.
   */
  acquire(origin: string): () => void {
    const state = this.origins.get(origin) ?? this.newOrigin(origin);
    const { perOrigin, global } = this.limits;
    if (this.globalInFlight >= global.concurrent) {
      throw overBudget(`${global.concurrent} fetches are already in flight (global concurrency budget)`);
    }
    if (state.inFlight >= perOrigin.concurrent) {
      throw overBudget(`${perOrigin.concurrent} fetches to ${origin} are already in flight (per-origin concurrency budget)`);
    }
    if (!this.globalBucket.available()) {
      throw overBudget(`the global rate budget of ${global.perMinute} fetches a minute is spent`);
    }
    if (!state.bucket.available()) {
      throw overBudget(`the rate budget of ${perOrigin.perMinute} fetches a minute to ${origin} is spent`);
    }
    this.globalBucket.take();
    state.bucket.take();
    this.globalInFlight += 1;
    state.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.globalInFlight -= 1;
      state.inFlight -= 1;
    };
  }

  /** Fetches in flight, globally or to one origin. */
  inFlight(origin?: string): number {
    return origin === undefined ? this.globalInFlight : (this.origins.get(origin)?.inFlight ?? 0);
  }

  private newOrigin(origin: string): OriginState {
    if (this.origins.size >= this.sweepAt) this.sweep();
    const state: OriginState = {
      inFlight: 0,
      bucket: new TokenBucket(this.limits.perOrigin.perMinute, this.limits.perOrigin.burst, this.clock),
    };
    this.origins.set(origin, state);
    return state;
  }

  /** Drop origins with nothing in flight and a full bucket: a fresh entry would be identical. */
  private sweep(): void {
    for (const [origin, state] of this.origins) {
      if (state.inFlight === 0 && state.bucket.full()) this.origins.delete(origin);
    }
    this.sweepAt = Math.max(1024, this.origins.size * 2);
  }
}

function overBudget(why: string): CimdError {
  return new CimdError('fetch-over-budget', `Outbound fetch refused: ${why}`);
}
