import type { Gate } from '../gate.js';
import type { RefreshTokenRecord, RefreshTokenStore } from '../refresh-tokens.js';
import { storeConflict } from '../store-errors.js';
import type { Sweepable } from '../sweepable.js';
import { ExpiringMap } from './expiring-map.js';
import { frozenCopy } from './frozen-copy.js';

/** Refresh tokens in memory: `rotate` checks, marks and saves the successor in one synchronous step. */
export function createMemoryRefreshTokenStore(gate: Gate): RefreshTokenStore & Sweepable {
  const tokens = new ExpiringMap<RefreshTokenRecord>((record) => record.expiresAt);
  return {
    save: (record) =>
      gate.run(() => {
        if (tokens.has(record.tokenHash)) throw storeConflict('refresh token');
        tokens.set(record.tokenHash, frozenCopy(record), record.issuedAt);
      }),
    find: (tokenHash, now) => gate.run(() => tokens.live(tokenHash, now)),
    rotate: (tokenHash, next, now) =>
      gate.run(() => {
        const current = tokens.live(tokenHash, now);
        if (current === undefined) return { status: 'unknown' };
        if (current.usedAt !== undefined) return { status: 'reused', previous: current };
        // Checked before any write, so a conflict leaves the old token unused, as a rolled-back
        // transaction does.
        if (tokens.has(next.tokenHash)) throw storeConflict('refresh token');
        const used = frozenCopy({ ...current, usedAt: now });
        tokens.set(tokenHash, used, now);
        tokens.set(next.tokenHash, frozenCopy(next), now);
        return { status: 'rotated', previous: used };
      }),
    sweep: (now) => tokens.sweep(now),
  };
}
