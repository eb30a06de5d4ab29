import assert from 'node:assert/strict';
import { isCimdError, type Clock } from '@cimd/core';
import type { Stores } from '../../src/store/stores.js';

/** 2026-11-28T12:00:00Z: every contract test starts here. */
export const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

export const MINUTE = 60_000;

/** The time source handed to the stores under test: it moves only when a test says so. */
export class ContractClock implements Clock {
  #now: number;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  set(at: number): void {
    this.#now = at;
  }
}

/** What every contract test works with: fresh stores and the clock they were given. */
export interface ContractContext {
  readonly stores: Stores;
  readonly clock: ContractClock;
}

/** Read the context of the running test (set up by `storeContract` before each test). */
export type CurrentContext = () => ContractContext;

/** Assert that a promise rejects with a `CimdError` of the given reason code. */
export async function rejectsWithReason(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isCimdError(error) && error.code === code);
}

/** Start `count` calls at once (none awaited before all have started) and collect their results. */
export function concurrently<T>(count: number, call: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => call(index)));
}
