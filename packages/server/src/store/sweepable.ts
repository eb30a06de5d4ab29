/** A store part that holds expiring entries; `Stores.sweep` calls every part. */
export interface Sweepable {
  /** Delete the entries ended at `now`; returns how many. */
  sweep(now: number): number;
}
