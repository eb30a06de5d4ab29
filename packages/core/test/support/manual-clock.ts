import type { Clock } from '@cimd/core';

/** A clock that moves only when a test says so. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.UTC(2026, 10, 28, 12, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
