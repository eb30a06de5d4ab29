import type { Gate } from '../gate.js';
import type { AuthorizationCodeRecord, CodeStore } from '../codes.js';
import { storeConflict } from '../store-errors.js';
import type { Sweepable } from '../sweepable.js';
import { ExpiringMap } from './expiring-map.js';
import { frozenCopy } from './frozen-copy.js';

interface CodeEntry {
  readonly record: AuthorizationCodeRecord;
  usedAt?: number;
}

/** Authorization codes in memory: `consume` checks and marks in one synchronous step. */
export function createMemoryCodeStore(gate: Gate): CodeStore & Sweepable {
  const codes = new ExpiringMap<CodeEntry>((entry) => entry.record.expiresAt);
  return {
    save: (record) =>
      gate.run(() => {
        if (codes.has(record.codeHash)) throw storeConflict('authorization code');
        codes.set(record.codeHash, { record: frozenCopy(record) }, record.issuedAt);
      }),
    consume: (codeHash, now) =>
      gate.run(() => {
        const entry = codes.live(codeHash, now);
        if (entry === undefined) return { status: 'unknown' };
        if (entry.usedAt !== undefined) return { status: 'reused', record: entry.record };
        entry.usedAt = now;
        return { status: 'consumed', record: entry.record };
      }),
    sweep: (now) => codes.sweep(now),
  };
}
