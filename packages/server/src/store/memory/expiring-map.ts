/** Below this many entries an expiring map never sweeps itself (a sweep would cost more than it frees). */
const SELF_SWEEP_FLOOR = 1024;

/**
 * A map whose entries end at a time each entry carries. Expired entries are never returned, are
 * deleted when seen, and are swept by {@link ExpiringMap.sweep}.
 *
 * It also stays bounded between sweeps: the map remembers the latest time any caller reported
 * (the `now` of a call, or the creation time of a record) and, once it has taken as many writes
 * as it kept entries at its last sweep (at least {@link SELF_SWEEP_FLOOR}), drops everything
 * expired by then. That costs O(1) per write amortised and keeps the map under twice its live
 * entries plus the floor, however fast an attacker invents new keys (replay ids, counter keys,
 * interactions).
 */
export class ExpiringMap<V> {
  readonly #entries = new Map<string, V>();
  readonly #endOf: (value: V) => number;
  #writesSinceSweep = 0;
  #keptAtLastSweep = 0;
  #latest = Number.NEGATIVE_INFINITY;

  constructor(endOf: (value: V) => number) {
    this.#endOf = endOf;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The entry, unless it has ended at `now` (then it is deleted and `undefined` returned). */
  live(key: string, now: number): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    if (now >= this.#endOf(value)) {
      this.#entries.delete(key);
      return undefined;
    }
    return value;
  }

  /** Store `value` under `key`; `now` is the caller's current time (or the record's creation time). */
  set(key: string, value: V, now: number): void {
    this.#entries.set(key, value);
    if (now > this.#latest) this.#latest = now;
    this.#writesSinceSweep += 1;
    if (this.#writesSinceSweep >= Math.max(SELF_SWEEP_FLOOR, this.#keptAtLastSweep)) this.sweep(this.#latest);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Delete every entry ended at `now`; returns how many. */
  sweep(now: number): number {
    this.#writesSinceSweep = 0;
    let removed = 0;
    for (const [key, value] of this.#entries) {
      if (now >= this.#endOf(value)) {
        this.#entries.delete(key);
        removed += 1;
      }
    }
    this.#keptAtLastSweep = this.#entries.size;
    return removed;
  }
}
