/**
 * Remembered results of a pure computation, by string key, at most `max` of them: when full, it
 * starts over (simple, and bounded whatever the keys). For answers that cost tens of microseconds
 * and are asked for on every request with the same few keys (per host, per document digest).
 * Only for pure computations: the key must determine the result.
 */
export class BoundedMemo<T> {
  private readonly results = new Map<string, T>();

  constructor(private readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('max must be a positive integer');
  }

  /** The result for `key`, computed by `compute` the first time (and again after a restart). */
  get(key: string, compute: () => T): T {
    if (this.results.has(key)) return this.results.get(key) as T;
    const value = compute();
    this.set(key, value);
    return value;
  }

  /** The remembered result for `key`, if there is one (for results computed asynchronously). */
  peek(key: string): T | undefined {
    return this.results.get(key);
  }

  /** Remember `value` for `key`. */
  set(key: string, value: T): void {
    if (this.results.size >= this.max && !this.results.has(key)) this.results.clear();
    this.results.set(key, value);
  }

  get size(): number {
    return this.results.size;
  }
}
