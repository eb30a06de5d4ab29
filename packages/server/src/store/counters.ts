/**
 * Fixed-window counters for throttling (failed logins per account and per address, token rates).
 * Contract: `increment` is atomic and returns the count in the current window, which starts at the
 * first increment and lasts `windowMs`; after it the count starts again from 1.
 */
export interface CounterStore {
  increment(key: string, windowMs: number, now: number): Promise<number>;
  get(key: string, now: number): Promise<number>;
  /**
   * Take back one `increment` of the current window (never below 0; nothing for a key whose
   * window has ended): a caller that claims before it acts, then finds the act should not count.
   */
  release(key: string, now: number): Promise<void>;
  reset(key: string): Promise<void>;
}
